VirtualHost "a"
 modules_enabled = { "a", "b"
log = { [ "x" = 1 
"open
