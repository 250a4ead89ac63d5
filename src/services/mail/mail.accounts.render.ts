import type { Config } from '../../core/config/load.ts';
import { tlsPaths } from '../declared.ts';
import { bareToken, dovecotString, header } from '../quoting.ts';

/**
 * Mail for member accounts (issue "Member accounts"): Dovecot authenticates against the
 * passwd-file projection, Postfix authenticates through Dovecot SASL and delivers by LMTP.
 * Pure functions of the declaration; the paths match src/accounts/projections.ts.
 */

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
  const tls = tlsPaths(config);
  return `${header('#', 'treff.yaml')}protocols = imap lmtp
first_valid_uid = 20000
mail_location = maildir:~/Maildir
mail_privileged_group = mail
recipient_delimiter = +
postmaster_address = ${dovecotString(`postmaster@${domain}`)}
login_log_format_elements = "user=<%u> rip=%r"
login_log_format = %s: %$
mail_log_prefix = "%s(%u): "
# The club's certificate (tls in treff.yaml); Dovecot reads it as root before dropping privileges.
ssl = required
ssl_cert = <${bareToken(tls.certificate)}
ssl_key = <${bareToken(tls.key)}

${DOVECOT_POSTFIX_SOCKETS}`;
}

/** The SASL and LMTP sockets where renderPostfixMain points Postfix (the same in 2.3 and 2.4). */
export const DOVECOT_POSTFIX_SOCKETS = `service auth {
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

/** Lines for Postfix's main.cf (apply with `postconf -e`, see the README). */
export function renderPostfixMain(config: Config): string {
  const domain = bareToken(config.services.mail?.domain ?? config.club.domain);
  const tls = tlsPaths(config);
  return `${header('#', 'treff.yaml')}# Apply each line with postconf -e, e.g.:
#   grep -v '^#' /etc/postfix/treff/main.cf.treff | while read -r line; do postconf -e "$line"; done
# The club's domain is a virtual mailbox domain, delivered to Dovecot over LMTP; in mydestination
# too (Debian's postinst puts the mail name there, and $myhostname may be the domain) Postfix
# would deliver to /var/mail instead.
mydestination = localhost
virtual_mailbox_domains = ${domain}
virtual_mailbox_maps = lmdb:/etc/postfix/treff/mailboxes
virtual_transport = lmtp:unix:private/dovecot-lmtp
smtpd_sender_login_maps = lmdb:/etc/postfix/treff/senders
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_tls_auth_only = yes
smtpd_tls_cert_file = ${bareToken(tls.certificate)}
smtpd_tls_key_file = ${bareToken(tls.key)}
smtputf8_enable = no
smtpd_recipient_restrictions = reject_unlisted_recipient, permit_mynetworks, reject_unauth_destination
${wksTransport(config)}`;
}

/**
 * The addresses Postfix hands to treff's intake listener, with their transport: the WKS
 * submission address (when WKS is on) and the member-accounts address (requests by mail). Empty
 * when no intake is declared. The doctor checks the live `transport_maps` against this.
 */
export function intakeTransports(config: Config): { address: string; transport: string }[] {
  const intake = config.mail.intake;
  if (!intake) return [];
  const next = intake.protocol === 'lmtp' ? 'lmtp' : 'smtp';
  // Postfix writes an IPv6 host in brackets (`inet:[::1]:8472`).
  const host = intake.host.includes(':') ? `[${intake.host}]` : intake.host;
  const transport = `${next}:inet:${host}:${intake.port}`;
  const addresses = [config.services.wkd?.submissionAddress, config.club.contacts.memberAccounts];
  return addresses
    .filter((address): address is string => typeof address === 'string' && address !== '')
    .map((address) => ({ address: address.toLowerCase(), transport }));
}

/** Mail to treff's own addresses goes to treff's intake listener (when one is declared). */
function wksTransport(config: Config): string {
  const entries = intakeTransports(config);
  if (entries.length === 0) return '';
  const entry = (e: { address: string; transport: string }) => {
    // The brackets of an IPv6 host are Postfix syntax; everything else must be a bare token.
    bareToken(e.transport.replace(/[[\]]/g, ''));
    return `${bareToken(e.address)}=${e.transport}`;
  };
  return `transport_maps = inline:{ ${entries.map(entry).join(', ')} }\n`;
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
