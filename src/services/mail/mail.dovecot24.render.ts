import type { Config } from '../../core/config/load.ts';
import { tlsPaths } from '../declared.ts';
import { DOVECOT_POSTFIX_SOCKETS } from './mail.accounts.render.ts';
import { bareToken, dovecotString, header } from '../quoting.ts';

/**
 * The same mail configuration as mail.accounts.render.ts and mail.render.ts, in Dovecot 2.4's
 * syntax (Debian 13): named passdb/userdb blocks, `mail_driver` + `mail_path`, `%{…}` variables,
 * `ssl_server_*_file`, `auth_allow_cleartext`, debug as `log_debug` categories. Debian's own
 * /etc/dovecot/dovecot.conf sets `dovecot_config_version` and `dovecot_storage_version` first
 * and then includes conf.d, so these files need not (and, being included later, could not).
 */

/** Replaces Debian's 10-auth.conf (which includes auth-system.conf.ext). */
export function renderDovecot24Auth(): string {
  return `${header('#', 'treff.yaml')}# Replaces Debian's conf.d/10-auth.conf: only member accounts log in (auth-system.conf.ext,
# which would let system accounts authenticate, is not included). Dovecot 2.4 syntax.
auth_allow_cleartext = no
auth_mechanisms = plain login
auth_username_format = %{user | username | lower}
auth_verbose = no
auth_verbose_passwords = no
auth_debug_passwords = no
!include auth-treff.conf.ext
`;
}

/** passdb and userdb from the passwd-file treff sync writes. */
export function renderDovecot24PasswdFile(): string {
  return `${header('#', 'treff.yaml')}# Accounts come from the projection \`treff sync\` writes; a change is seen at the next login,
# without a reload. {CRYPT} hands yescrypt hashes to libxcrypt.
passdb passwd-file {
  default_password_scheme = CRYPT
  passwd_file_path = /etc/dovecot/treff/users
}
userdb passwd-file {
  passwd_file_path = /etc/dovecot/treff/users
}
`;
}

/** As renderDovecotTreff: member uids only, Maildir in the home, the Postfix sockets, TLS. */
export function renderDovecot24Treff(config: Config): string {
  const domain = config.services.mail?.domain ?? config.club.domain;
  const tls = tlsPaths(config);
  return `${header('#', 'treff.yaml')}protocols = imap lmtp
first_valid_uid = 20000
# Debian's 10-mail.conf declares mbox under ~/mail with the inbox in /var/mail.
mail_driver = maildir
mail_path = %{home}/Maildir
mail_inbox_path =
mail_privileged_group = mail
recipient_delimiter = +
postmaster_address = ${dovecotString(`postmaster@${domain}`)}
login_log_format_elements = "user=<%{user}> rip=%{remote_ip}"
login_log_format = %{message}: %{elements}
mail_log_prefix = "%{protocol}(%{user}): "
# The club's certificate (tls in treff.yaml); Dovecot reads it as root before dropping privileges.
ssl = required
ssl_server_cert_file = ${bareToken(tls.certificate)}
ssl_server_key_file = ${bareToken(tls.key)}

${DOVECOT_POSTFIX_SOCKETS}`;
}

/** As renderDovecotLogging: deliveries without message-id, no traffic counters, no debug. */
export function renderDovecot24Logging(config: Config): string {
  if (!config.services.mail) return `${header('#', 'treff.yaml')}# No mail service is declared.\n`;
  return `${header('#', 'treff.yaml')}# Mail logs hold the declared fields: user name and client IP (services.md §6).
deliver_log_format = %{message}
imap_logout_format =
auth_verbose = no
auth_verbose_passwords = no
auth_debug_passwords = no
log_debug =
`;
}
