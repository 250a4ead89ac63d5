-- Written for treff's doctor test: the host file jitsi-meet-prosody generates (services.md §3.3,
-- §3.5), shortened. Not a copy of Jitsi's template.
plugin_paths = { "/usr/share/jitsi-meet/prosody-plugins/" }
muc_mapper_domain_base = "meet.osna.social";
external_service_secret = "example-secret";
external_services = {
     { type = "stun", host = "meet.osna.social", port = 3478 },
     { type = "turn", host = "meet.osna.social", port = 3478, transport = "udp", secret = true, ttl = 86400, algorithm = "turn" },
};

VirtualHost "meet.osna.social"
    authentication = "jitsi-anonymous"
    modules_enabled = { "bosh"; "ping"; "external_services"; "speakerstats"; "conference_duration" }
    c2s_require_encryption = false
    main_muc = "conference.meet.osna.social"

Component "conference.meet.osna.social" "muc"
    restrict_room_creation = true
    storage = "memory"
    modules_enabled = { "muc_meeting_id"; "muc_domain_mapper"; "polls" }
    admins = { "focus@auth.meet.osna.social" }
    muc_room_locking = false

Component "internal.auth.meet.osna.social" "muc"
    storage = "memory"
    modules_enabled = { "ping" }
    admins = { "focus@auth.meet.osna.social", "jvb@auth.meet.osna.social" }

VirtualHost "auth.meet.osna.social"
    authentication = "internal_hashed"

Component "focus.meet.osna.social" "client_proxy"
    target_address = "focus@auth.meet.osna.social"
