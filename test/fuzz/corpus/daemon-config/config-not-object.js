var config = "x";
