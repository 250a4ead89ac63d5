import { basename } from 'node:path';
import type { Config } from '../core/config/load.ts';
import { SERVER_NODE_FLAGS } from '../core/node-flags.ts';
import { bareToken, dovecotString, header, luaString } from './quoting.ts';

/**
 * Daemon snippets for member accounts (issue "Member accounts"): Dovecot authenticates against
 * the passwd-file projection, Postfix authenticates through Dovecot SASL and delivers by LMTP,
 * Prosody asks treff through mod_auth_treff, sshd finds members through libnss-extrausers.
 * Pure functions of the declaration; the paths match src/accounts/projections.ts.
 */
export interface InstallOptions {
  /** Where treff is installed (its `dist/` and `integrations/`). */
  installDir: string;
  /** The declaration's path on the server. */
  configFile: string;
  /** The Unix user the web server runs as. */
  user: string;
}

/** Defaults for a Debian install. */
export function defaultInstall(config: Config): InstallOptions {
  return {
    installDir: '/opt/treff',
    configFile: `/etc/treff/${basename(config.file)}`,
    user: 'treff',
  };
}

/** Replaces Debian's 10-auth.conf: no system accounts, only the treff projection. */
export function renderDovecotAuth(): string {
  return `${header('#', 'treff.yaml')}# Replaces Debian's conf.d/10-auth.conf: only member accounts log in (auth-system.conf.ext,
# which would let system accounts authenticate, is not included).
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_username_format = %Ln
auth_verbose = no
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no
!include auth-treff.conf.ext
`;
}

/** passdb and userdb from the passwd-file treff sync writes. */
export function renderDovecotPasswdFile(): string {
  return `${header('#', 'treff.yaml')}# Accounts come from the projection \`treff sync\` writes; a change is seen at the next login,
# without a reload. {CRYPT} hands yescrypt hashes to libxcrypt.
passdb {
  driver = passwd-file
  args = scheme=CRYPT username_format=%Ln /etc/dovecot/treff/users
}
userdb {
  driver = passwd-file
  args = username_format=%Ln /etc/dovecot/treff/users
  default_fields = mail=maildir:~/Maildir
}
`;
}

/**
 * Mail settings: uids of member accounts only, Maildir in the home, the sockets Postfix uses for
 * SASL and LMTP, and login log lines with exactly the declared fields (user name and client IP;
 * the time stamp comes from the journal).
 */
export function renderDovecotTreff(config: Config): string {
  const domain = config.services.mail?.domain ?? config.club.domain;
  return `${header('#', 'treff.yaml')}protocols = imap lmtp
first_valid_uid = 20000
mail_location = maildir:~/Maildir
mail_privileged_group = mail
recipient_delimiter = +
postmaster_address = ${dovecotString(`postmaster@${domain}`)}
login_log_format_elements = "user=<%u> rip=%r"
login_log_format = %s: %$
mail_log_prefix = "%s(%u): "

service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
`;
}

/** Lines for Postfix's main.cf (apply with `postconf -e`, see the README). */
export function renderPostfixMain(config: Config): string {
  const domain = bareToken(config.services.mail?.domain ?? config.club.domain);
  return `${header('#', 'treff.yaml')}# Apply each line with postconf -e, e.g.:
#   grep -v '^#' /etc/postfix/treff/main.cf.treff | while read -r line; do postconf -e "$line"; done
virtual_mailbox_domains = ${domain}
virtual_mailbox_maps = lmdb:/etc/postfix/treff/mailboxes
virtual_transport = lmtp:unix:private/dovecot-lmtp
smtpd_sender_login_maps = lmdb:/etc/postfix/treff/senders
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_tls_auth_only = yes
smtputf8_enable = no
smtpd_recipient_restrictions = reject_unlisted_recipient, permit_mynetworks, reject_unauth_destination
${wksTransport(config)}`;
}

/** Mail to the WKS submission address goes to treff's intake listener (when both are set). */
function wksTransport(config: Config): string {
  const address = config.services.wkd?.submissionAddress;
  const intake = config.mail.intake;
  if (!address || !intake) return '';
  const next = intake.protocol === 'lmtp' ? 'lmtp' : 'smtp';
  return `transport_maps = inline:{ ${bareToken(address)}=${next}:inet:${bareToken(intake.host)}:${intake.port} }\n`;
}

/** Submission services for master.cf: SMTP AUTH only over TLS, only for one's own addresses. */
export function renderPostfixMaster(): string {
  const options = [
    '-o smtpd_tls_security_level=encrypt',
    '-o smtpd_sasl_auth_enable=yes',
    '-o smtpd_client_restrictions=permit_sasl_authenticated,reject',
    '-o smtpd_sender_restrictions=reject_sender_login_mismatch',
    '-o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
    '-o smtpd_recipient_restrictions=permit_sasl_authenticated,reject',
  ];
  const block = (name: string, extra: string[]) =>
    [
      `${name} inet n - y - - smtpd`,
      `  -o syslog_name=postfix/${name}`,
      ...extra.map((o) => `  ${o}`),
      ...options.map((o) => `  ${o}`),
    ].join('\n');
  return `${header('#', 'treff.yaml')}# Append once to /etc/postfix/master.cf (replacing Debian's commented submission entries).
${block('submission', [])}
${block('submissions', ['-o smtpd_tls_wrappermode=yes'])}
`;
}

/** Prosody authentication through treff (mod_auth_treff). */
export function renderProsodyAuth(config: Config, install: InstallOptions): string {
  const xmpp = config.services.xmpp;
  if (!xmpp) return `${header('--', 'treff.yaml')}-- No XMPP service is declared.\n`;
  return `${header('--', 'treff.yaml')}-- Passwords are checked by treff over loopback, asynchronously (mod_auth_treff); the user
-- list is the projection \`treff sync\` writes. Registration stays off: accounts come from treff.
plugin_paths = { ${luaString(`${install.installDir}/integrations/prosody`)} }
allow_registration = false

VirtualHost ${luaString(xmpp.domain)}
  authentication = "treff"
  treff_auth_url = ${luaString(`http://127.0.0.1:${config.web.internalPort}/internal/xmpp/auth`)}
  treff_auth_secret_file = "/etc/prosody/treff-auth.secret"
  treff_users_file = "/var/lib/treff/xmpp-users"
`;
}

/** sshd: members (group treff-shell) and the admins' groups only, keys from the projection. */
export function renderSshd(config: Config): string {
  const groups = ['treff-shell', ...(config.services.shell?.adminGroups ?? ['sudo'])]
    .map(bareToken)
    .join(' ');
  return `${header('#', 'treff.yaml')}# Logins of member accounts come from libnss-extrausers (see nsswitch.conf); sshd logs the
# client IP, the user name and the times of login and logout at INFO, as declared.
AllowGroups ${groups}
AuthorizedKeysFile .ssh/authorized_keys /var/lib/treff/ssh-keys/%u
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
PermitRootLogin prohibit-password
LogLevel INFO
`;
}

/** Debian 12's nsswitch.conf with extrausers after files (its README requires that order). */
export function renderNsswitch(): string {
  return `${header('#', 'treff.yaml')}passwd:         files systemd extrausers
group:          files systemd extrausers
shadow:         files systemd extrausers
gshadow:        files systemd

hosts:          files mdns4_minimal [NOTFOUND=return] dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
`;
}

/** The web server, unprivileged. */
export function renderTreffService(config: Config, install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff web server
After=network.target postgresql.service

[Service]
User=${bareToken(install.user)}
ExecStart=/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} ${bareToken(install.installDir)}/dist/main.js serve --config ${bareToken(install.configFile)}
Restart=on-failure
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=${bareToken(config.paths.dataDir)}

[Install]
WantedBy=multi-user.target
`;
}

/** The privileged sync: the only writer of the projections, as a sandboxed one-shot. */
export function renderSyncService(install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff sync: account projections for sshd, Dovecot, Postfix and Prosody

[Service]
Type=oneshot
ExecStart=/usr/bin/node ${bareToken(install.installDir)}/dist/main.js sync --config ${bareToken(install.configFile)}
ProtectSystem=strict
ReadWritePaths=/var/lib/extrausers /etc/dovecot/treff /etc/postfix/treff /etc/prosody /var/lib/treff /var/lib/prosody /home
PrivateTmp=yes
`;
}

/** Runs the sync when the web server asks for it (after every account change). */
export function renderSyncPath(config: Config): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Run treff sync when treff asks for it

[Path]
PathChanged=${bareToken(config.paths.dataDir)}/sync.request
Unit=treff-sync.service

[Install]
WantedBy=multi-user.target
`;
}

/** And every 15 minutes and at boot, so projections heal after any failure. */
export function renderSyncTimer(): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Run treff sync every 15 minutes and at boot

[Timer]
OnBootSec=1min
OnUnitActiveSec=15min
Unit=treff-sync.service

[Install]
WantedBy=timers.target
`;
}
