var config = eval("({})");
