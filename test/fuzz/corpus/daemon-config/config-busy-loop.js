var config = {}; for (;;) {}
