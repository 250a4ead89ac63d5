import type { Config } from '../../core/config/load.ts';
import { hoconString, jsString, nginxString, nginxToken } from '../formats.ts';
import { header, luaString } from '../quoting.ts';

/**
 * Jitsi Meet from the declaration (issue #6, services.md §3): the club's own STUN server is the
 * only one in four places (config.js, Prosody's XEP-0215 answer, the videobridge's address
 * discovery, coturn), no third-party request from the web app, and nothing about calls logged
 * (nginx, jicofo, videobridge, Prosody). Jitsi gets a Prosody of its own (§3.5). Pure functions.
 */

/** The loopback ports of Jitsi's own Prosody (the club's Prosody keeps 5222 and 5280). */
export const JITSI_PROSODY_C2S_PORT = 15222;
export const JITSI_PROSODY_HTTP_PORT = 15280;

/**
 * Jitsi's own Prosody (`/etc/prosody-jitsi/prosody.cfg.lua`). It loads the host file that
 * jitsi-meet-prosody generates (with its secrets and the Jitsi modules), then overrides what the
 * promises need: warnings only in the log (no joins), loopback only, and one STUN server, the
 * club's, in the XEP-0215 answer that replaces the client's ICE servers (§3.1 point 2).
 */
export function renderJitsiProsody(config: Config): string {
  const jitsi = config.services.jitsi;
  if (!jitsi) return `${header('--', 'treff.yaml')}-- No Jitsi Meet is declared.\n`;
  return `${header('--', 'treff.yaml')}-- Jitsi Meet's own Prosody (services.md §3.5): run by prosody-jitsi.service. The club's
-- Prosody logs logins at info; Prosody cannot filter its log per host, so Jitsi's anonymous
-- joins must not share it.

pidfile = "/run/prosody-jitsi/prosody.pid"
data_path = "/var/lib/prosody-jitsi"
certificates = "/etc/prosody/certs"
-- Warnings and errors only: at info Prosody logs every join ("Authenticated as …") (§3.3).
log = { { levels = { min = "warn" }, to = "stdout" } }

interfaces = { "127.0.0.1" }
c2s_ports = { ${JITSI_PROSODY_C2S_PORT} }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
component_ports = { }
-- BOSH and WebSocket for the web app, behind nginx.
http_ports = { ${JITSI_PROSODY_HTTP_PORT} }
http_interfaces = { "127.0.0.1" }
https_ports = { }

modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix"; "bosh"; "websocket"; "smacks" }
modules_disabled = { "offline"; "s2s" }

-- The host definitions of jitsi-meet-prosody (VirtualHosts, conference MUC in memory, focus).
Include ${luaString(`/etc/prosody/conf.avail/${jitsi.domain}.cfg.lua`)}

-- After Jitsi's file, so these win: the only ICE server a client is told about is the club's
-- STUN server (no TURN relay, no secret).
external_services = {
  { type = "stun", host = ${luaString(jitsi.stun.host)}, port = ${jitsi.stun.port} };
}
`;
}

/** The unit of Jitsi's Prosody, next to Debian's prosody.service. */
export function renderJitsiProsodyService(): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Prosody for Jitsi Meet (treff: separate from the club's XMPP server)
After=network-online.target
Wants=network-online.target
Before=jicofo.service jitsi-videobridge2.service

[Service]
Type=simple
User=prosody
Group=prosody
RuntimeDirectory=prosody-jitsi
StateDirectory=prosody-jitsi
PIDFile=/run/prosody-jitsi/prosody.pid
WorkingDirectory=/var/lib/prosody-jitsi
ExecStart=/usr/bin/prosody -F --config /etc/prosody-jitsi/prosody.cfg.lua
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-abnormal
StandardInput=null
StandardOutput=journal
StandardError=inherit

[Install]
WantedBy=multi-user.target
`;
}

/**
 * `/etc/jitsi/meet/<domain>-config.js` (replaces the copy jitsi-meet-web-config makes). Only the
 * settings the promises need; everything else keeps Jitsi's defaults.
 */
export function renderJitsiConfigJs(config: Config): string {
  const jitsi = config.services.jitsi;
  if (!jitsi) return `// ${header('#', 'treff.yaml').slice(2)}`;
  const domain = jitsi.domain;
  const stun = `stun:${jitsi.stun.host}:${jitsi.stun.port}`;
  // The declaration lists what the client may keep in the browser; recent rooms only if declared.
  const storesRooms = jitsi.browserStorage.includes('recentConferences');
  return `// ${header('#', 'treff.yaml').slice(2)}// Jitsi Meet's client settings (services.md §3.1, §3.2). nginx fills in the SSI variables.
var subdomain = '<!--# echo var="subdomain" default="" -->';
if (subdomain) {
    subdomain = subdomain.substr(0, subdomain.length - 1).split('.').join('_').toLowerCase() + '.';
}
var subdir = '<!--# echo var="subdir" default="" -->';
if (subdir.startsWith('<!--')) {
    subdir = '';
}

var config = {
    hosts: {
        domain: ${jsString(domain)},
        muc: 'conference.' + subdomain + ${jsString(domain)},
    },
    bosh: ${jsString(`https://${domain}/`)} + subdir + 'http-bind',
    websocket: ${jsString(`wss://${domain}/`)} + subdir + 'xmpp-websocket',

    // The club's own STUN server only: without this, lib-jitsi-meet falls back to
    // meet-jit-si-turnrelay.jitsi.net (§3.1 point 1). Prosody's XEP-0215 answer names the same.
    p2p: {
        enabled: true,
        stunServers: [{ urls: ${jsString(stun)} }],
    },

    // No request to any other server: avatars are drawn locally, no gravatar (it must be an
    // object, jitsi-meet#14107), no analytics, no statistics, no GIFs (§3.2).
    disableThirdPartyRequests: true,
    gravatar: { disabled: true },
    analytics: { disabled: true, rtcstatsEnabled: false, watchRTCEnabled: false },
    giphy: { enabled: false },
    doNotStoreRoom: ${String(!storesRooms)},
};
`;
}

/** HOCON settings for the videobridge, included from jvb.conf (see the install guide). */
export function renderJvbPrivacy(config: Config): string {
  const jitsi = config.services.jitsi;
  if (!jitsi) return `${header('#', 'treff.yaml')}# No Jitsi Meet is declared.\n`;
  return `${header('#', 'treff.yaml')}# Included at the end of /etc/jitsi/videobridge/jvb.conf: include "treff-privacy.conf"
# The videobridge learns its public address from the club's STUN server only (the package writes
# meet-jit-si-turnrelay.jitsi.net:443 here and, in older versions, as
# org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES in sip-communicator.properties, which is
# read first: delete that line) (services.md §3.1 point 3).
ice4j.harvest.mapping.stun.addresses = [ ${hoconString(`${jitsi.stun.host}:${jitsi.stun.port}`)} ]
ice4j.harvest.mapping.aws.enabled = false
# No client addresses in any log line (the default since jitsi-videobridge PR #2188).
videobridge.redact-remote-addresses = true
ice4j.redact-remote-addresses = true
# Jitsi's own Prosody listens on loopback port ${JITSI_PROSODY_C2S_PORT}.
videobridge.apis.xmpp-client.configs.shard.PORT = ${JITSI_PROSODY_C2S_PORT}
`;
}

/** HOCON settings for jicofo, included from jicofo.conf (see the install guide). */
export function renderJicofoPrivacy(config: Config): string {
  if (!config.services.jitsi) return `${header('#', 'treff.yaml')}# No Jitsi Meet is declared.\n`;
  return `${header('#', 'treff.yaml')}# Included at the end of /etc/jitsi/jicofo/jicofo.conf: include "treff-privacy.conf"
# Jitsi's own Prosody listens on loopback port ${JITSI_PROSODY_C2S_PORT} (services.md §3.5).
jicofo.xmpp.client.port = ${JITSI_PROSODY_C2S_PORT}
`;
}

/**
 * java.util.logging settings for the videobridge or jicofo: warnings and errors only. At INFO,
 * jicofo logs every join with the room name and a stats-id that links a browser's calls, the
 * videobridge conference and endpoint events (services.md §3.3).
 */
export function renderJitsiLogging(program: 'JVB' | 'Jicofo'): string {
  const formatter =
    program === 'JVB'
      ? 'org.jitsi.utils.logging2.JitsiLogFormatter'
      : 'net.java.sip.communicator.util.ScLogFormatter';
  const filter =
    program === 'Jicofo'
      ? 'java.util.logging.ConsoleHandler.filter = org.jitsi.impl.protocol.xmpp.log.ExcludeXmppPackets\n'
      : '';
  return `${header('#', 'treff.yaml')}# Nothing about calls: warnings and errors only (services.md §3.3). Replaces the package's file.
handlers = java.util.logging.ConsoleHandler
java.util.logging.ConsoleHandler.level = ALL
java.util.logging.ConsoleHandler.formatter = ${formatter}
${filter}${formatter}.programname = ${program}
.level = WARNING
`;
}

/** The Content-Security-Policy of the Jitsi vhost: its own origin and nothing else. */
export function jitsiCsp(domain: string): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' wss://${domain}`,
    "worker-src 'self' blob:",
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The Jitsi vhosts for nginx (`/etc/nginx/conf.d/treff-jitsi.conf`): no access log and no error
 * log at all, because every URL holds the room name (`/<room>`, `?room=` on /http-bind and
 * /xmpp-websocket) and every line the client's IP (§3.3); a CSP that allows no other origin.
 * Locations as in jitsi-meet's doc/debian/jitsi-meet/jitsi-meet.example.
 */
export function renderJitsiNginx(config: Config): string {
  const jitsi = config.services.jitsi;
  if (!jitsi) return `${header('#', 'treff.yaml')}# No Jitsi Meet is declared.\n`;
  const domain = nginxToken(jitsi.domain);
  const bosh = `http://127.0.0.1:${JITSI_PROSODY_HTTP_PORT}`;
  return `${header('#', 'treff.yaml')}# Jitsi Meet (services.md §3.3): nothing logged, not even errors, because every request names a
# room and every log line would hold the client's IP. Replaces the package's sites-enabled file.
server_names_hash_bucket_size 64;

server {
    listen 80;
    listen [::]:80;
    server_name ${domain};
    access_log off;
    error_log /dev/null;

    location ^~ /.well-known/acme-challenge/ {
        default_type "text/plain";
        root /usr/share/jitsi-meet;
    }
    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name ${domain};
    access_log off;
    error_log /dev/null;
    log_not_found off;

    ssl_certificate /etc/jitsi/meet/${domain}.crt;
    ssl_certificate_key /etc/jitsi/meet/${domain}.key;
    ssl_protocols TLSv1.2 TLSv1.3;

    add_header Strict-Transport-Security "max-age=31536000" always;
    add_header Content-Security-Policy ${nginxString(jitsiCsp(jitsi.domain))} always;
    add_header Referrer-Policy "no-referrer" always;
    add_header X-Content-Type-Options "nosniff" always;

    root /usr/share/jitsi-meet;
    # SSI fills in the multi-domain variables of config.js.
    ssi on;
    ssi_types application/x-javascript application/javascript;
    index index.html index.htm;
    error_page 404 /static/404.html;

    location = /config.js {
        alias /etc/jitsi/meet/${domain}-config.js;
    }
    location = /external_api.js {
        alias /usr/share/jitsi-meet/libs/external_api.min.js;
    }
    location ~ ^/(libs|css|static|images|fonts|lang|sounds|connection_optimization|.well-known)/(.*)$ {
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Content-Security-Policy ${nginxString(jitsiCsp(jitsi.domain))} always;
        add_header X-Content-Type-Options "nosniff" always;
        alias /usr/share/jitsi-meet/$1/$2;
    }
    location = /http-bind {
        proxy_pass ${bosh}/http-bind;
        proxy_set_header Host $http_host;
    }
    location = /xmpp-websocket {
        proxy_pass ${bosh}/xmpp-websocket?prefix=$prefix&$args;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $http_host;
        tcp_nodelay on;
    }
    location ~ ^/([^/?&:'"]+)$ {
        try_files $uri @root_path;
    }
    location @root_path {
        rewrite ^/(.*)$ / break;
    }
    location ~ ^/([^/?&:'"]+)/config.js$ {
        set $subdomain "$1.";
        set $subdir "$1/";
        alias /etc/jitsi/meet/${domain}-config.js;
    }
    location ~ ^/([^/?&:'"]+)/http-bind {
        set $subdomain "$1.";
        set $subdir "$1/";
        set $prefix "$1";
        rewrite ^/(.*)$ /http-bind;
    }
    location ~ ^/([^/?&:'"]+)/xmpp-websocket {
        set $subdomain "$1.";
        set $subdir "$1/";
        set $prefix "$1";
        rewrite ^/(.*)$ /xmpp-websocket;
    }
    location ~ ^/([^/?&:'"]+)/(.*)$ {
        set $subdomain "$1.";
        set $subdir "$1/";
        rewrite ^/([^/?&:'"]+)/(.*)$ /$2;
    }
}
`;
}
