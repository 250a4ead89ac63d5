Include "/etc/prosody/prosody.cfg.lua"
Include "/etc/prosody/conf.d/*.cfg.lua"
Component "c" "muc"
