import type { Config } from '../../core/config/load.ts';
import { header } from '../quoting.ts';

/**
 * Mail log fields as declared (issue #6, services.md §6, §7), beyond the login lines the account
 * snippets already set (99-treff.conf). Pure functions.
 */

/**
 * `/etc/dovecot/conf.d/99-treff-logging.conf`: deliveries without the message-id (Dovecot's
 * default `deliver_log_format = msgid=%m: %$`), logouts without traffic counters, no debug or
 * verbose output (which adds passwords, TLS details and the server's address).
 */
export function renderDovecotLogging(config: Config): string {
  if (!config.services.mail) return `${header('#', 'treff.yaml')}# No mail service is declared.\n`;
  return `${header('#', 'treff.yaml')}# Mail logs hold the declared fields: user name and client IP (services.md §6).
deliver_log_format = %$
imap_logout_format =
auth_verbose = no
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no
mail_debug = no
verbose_ssl = no
`;
}

/**
 * Postfix settings to apply with `postconf -e` (`/etc/postfix/treff/privacy.cf.treff`). They pin
 * Postfix's defaults: no SASL user name in the Received header, no client port and no TLS lines
 * in the log, no debug peers. Postfix still always logs the envelope sender and recipients and
 * the message-id; the declaration must say so (services.md §7; the doctor checks it).
 */
export function renderPostfixPrivacy(config: Config): string {
  if (!config.services.mail) return `${header('#', 'treff.yaml')}# No mail service is declared.\n`;
  return `${header('#', 'treff.yaml')}# Apply each line with postconf -e, as main.cf.treff (services.md §7).
smtpd_sasl_authenticated_header = no
smtpd_client_port_logging = no
smtpd_tls_loglevel = 0
smtp_tls_loglevel = 0
debug_peer_list =
`;
}
