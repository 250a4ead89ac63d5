import type { Config } from '../../core/config/load.ts';
import { sandboxLines } from '../accounts.render.ts';
import { describeSeconds, uploadExpirySeconds } from '../declared.ts';
import { systemdPath } from '../formats.ts';
import { header, luaString } from '../quoting.ts';

/**
 * The club's Prosody (XMPP) from the declaration (issue #6, services.md §8): room history exactly
 * as declared, nothing stored of one-to-one chats, uploads that expire as declared with a cleaner
 * that keeps that bound, and an info-level log of logins and logouts. Pure functions.
 */

/** Modules of the club's Prosody: Debian 12's list without registration, invitations or MAM. */
export const PROSODY_MODULES = [
  'roster',
  'saslauth',
  'tls',
  'dialback',
  'disco',
  'carbons',
  'pep',
  'private',
  'blocklist',
  'vcard4',
  'vcard_legacy',
  'bookmarks',
  'smacks',
  'csi_simple',
  'limits',
  'ping',
  'time',
  'uptime',
  'version',
  'admin_shell',
  'posix',
] as const;

/**
 * Modules that store messages or login history; never enabled (services.md §8.2, §8.3): `mam`
 * archives one-to-one chats, `offline` keeps messages for offline contacts (auto-loaded unless
 * disabled), `muc_mam`/`muc_log`/`http_muc_log` archive rooms, `lastlog`/`lastlog2` keep the last
 * login persistently, `log_auth` logs the IP of failed logins.
 */
export const STORING_MODULES = [
  'mam',
  'offline',
  'muc_mam',
  'muc_log',
  'http_muc_log',
  'lastlog',
  'lastlog2',
  'log_auth',
] as const;

/** Prosody's file-name encoding of a host for its data directory (util/datamanager.lua). */
export function prosodyHostDir(host: string): string {
  return host.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Where Prosody keeps the uploaded files of `uploadHost` (mod_http_file_share, 0.12). */
export function uploadDir(uploadHost: string, dataPath = '/var/lib/prosody'): string {
  return `${dataPath}/${prosodyHostDir(uploadHost)}/http_file_share`;
}

/** How often the upload cleaner runs, and the slack its timer may add (systemd AccuracySec). */
export const UPLOAD_CLEANER_INTERVAL_MINUTES = 5;
export const UPLOAD_CLEANER_ACCURACY_MINUTES = 1;

/**
 * Files older than this many minutes are deleted by the cleaner. It runs every 5 minutes (plus at
 * most 1 minute of timer slack), so deleting at expiry minus 6 minutes keeps the declared bound:
 * no file is ever older than the declared expiry.
 */
export function uploadCleanerMinutes(expirySeconds: number): number {
  return Math.max(
    0,
    Math.floor(expirySeconds / 60) -
      UPLOAD_CLEANER_INTERVAL_MINUTES -
      UPLOAD_CLEANER_ACCURACY_MINUTES,
  );
}

/**
 * Prosody's certificate from the one tls setting. Prosody reads it as its own user, which may not
 * read /etc/letsencrypt/live (0700 root): for the default, `prosodyctl --root cert import
 * /etc/letsencrypt/live` copies it into its `certs` folder (README); a declared tls is named
 * directly, and must be readable by the prosody user.
 */
function prosodyCertificates(config: Config): string {
  if (!config.tls) return 'certificates = "certs"';
  return `certificates = "certs"
ssl = { certificate = ${luaString(config.tls.certificate)}; key = ${luaString(config.tls.key)} }`;
}

/**
 * The whole `/etc/prosody/prosody.cfg.lua` (replaces Debian's). It includes only treff's own
 * `conf.d/treff-auth.cfg.lua` (the member accounts), not `conf.d/*.cfg.lua`: jitsi-meet-prosody
 * puts its host there, and Prosody 0.12 cannot filter its log per host, so every anonymous
 * conference join would land in the club's login log (services.md §3.5). Jitsi gets its own
 * Prosody instead (jitsi/jitsi.render.ts).
 */
export function renderProsodyConfig(config: Config): string {
  const xmpp = config.services.xmpp;
  if (!xmpp) return `${header('--', 'treff.yaml')}-- No XMPP service is declared.\n`;
  const expiry = uploadExpirySeconds(config) ?? 0;
  const modules = PROSODY_MODULES.map((name) => `  ${luaString(name)};`).join('\n');
  return `${header('--', 'treff.yaml')}-- The club's Prosody. Every setting that decides what is stored or logged is here (notes:
-- services.md §8); member accounts come from conf.d/treff-auth.cfg.lua. Replaces Debian's file.

admins = { }
pidfile = "/run/prosody/prosody.pid"
data_path = "/var/lib/prosody"
${prosodyCertificates(config)}

-- Logins and logouts at info ("Client connected", "Authenticated as …", "Client disconnected"),
-- nothing at debug, which is the only level with IP addresses (mod_c2s, §8.1). Under systemd
-- (prosody -F) stdout is the journal, which deletes it after the declared retention.
log = { { levels = { min = "info" }, to = "stdout" } }

modules_enabled = {
${modules}
}
-- mod_offline is loaded automatically unless disabled: it would store one-to-one messages for
-- contacts who are offline (§8.3). Never enable mam, lastlog, log_auth, muc_mam or muc_log.
modules_disabled = { "offline" }

allow_registration = false
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = true
limits = {
  c2s = { rate = "10kb/s" };
  s2sin = { rate = "30kb/s" };
}
-- Plain HTTP only on loopback; uploads are served by Prosody's HTTPS port (5281).
http_interfaces = { "127.0.0.1", "::1" }

Include "conf.d/treff-auth.cfg.lua"

-- Chat rooms: the last ${xmpp.muc.history} messages, offered to whoever joins (§8.2). The cap also binds
-- room owners, who could otherwise raise a room's history (default 20, unlimited cap).
Component ${luaString(xmpp.muc.domain)} "muc"
  max_history_messages = ${xmpp.muc.history}
  muc_room_default_history_length = ${xmpp.muc.history}
  restrict_room_creation = "local"

-- Uploads expire after ${describeSeconds(expiry)} (services.xmpp.upload.expireAfter). Prosody 0.12 reads a number
-- of seconds and prunes only once a day, so treff-upload-expiry.timer deletes expired files.
Component ${luaString(xmpp.upload.domain)} "http_file_share"
  http_file_share_expires_after = ${expiry}
  http_file_share_size_limit = 10 * 1024 * 1024
  http_file_share_daily_quota = 100 * 1024 * 1024
`;
}

/**
 * The cleaner that keeps the upload bound (services.md §8.4): Prosody's own prune runs once a day,
 * so a file could live almost twice the declared time. GNU find deletes every stored file older
 * than the bound minus the timer's interval and slack; a download of it then gets 410 Gone.
 */
export function renderUploadExpiryService(config: Config): string {
  const xmpp = config.services.xmpp;
  const expiry = uploadExpirySeconds(config);
  if (!xmpp || expiry === null)
    return `${header('#', 'treff.yaml')}# No XMPP uploads are declared.\n`;
  return `${header('#', 'treff.yaml')}[Unit]
Description=Delete XMPP uploads older than ${describeSeconds(expiry)} (treff)

[Service]
Type=oneshot
User=prosody
Group=prosody
ExecStart=/usr/bin/find ${systemdPath(uploadDir(xmpp.upload.domain))} -type f -mmin +${uploadCleanerMinutes(expiry)} -delete
ReadWritePaths=-${systemdPath(uploadDir(xmpp.upload.domain))}
${sandboxLines('unprivileged')}
RestrictAddressFamilies=AF_UNIX
`;
}

/** Runs the upload cleaner every 5 minutes (at most 1 minute late). */
export function renderUploadExpiryTimer(): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Delete expired XMPP uploads every ${UPLOAD_CLEANER_INTERVAL_MINUTES} minutes (treff)

[Timer]
OnCalendar=*:0/${UPLOAD_CLEANER_INTERVAL_MINUTES}
AccuracySec=${UPLOAD_CLEANER_ACCURACY_MINUTES}min
Persistent=true
Unit=treff-upload-expiry.service

[Install]
WantedBy=timers.target
`;
}
