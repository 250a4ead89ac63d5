import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from '../doctor.ts';
import { parsePostfixMain, readDovecot } from '../readers.ts';
import type { RootFs } from '../rootfs.ts';

/**
 * Mail (services.md §6, §7): IMAP and SMTP logs with the declared fields, and a declaration that
 * names what Postfix always logs.
 */

/** Dovecot's `%` variables in a log format: `%u`, `%{rip}` → `u`, `rip`. */
function dovecotVariables(format: string): string[] {
  return [...format.matchAll(/%(?:\{([A-Za-z_:]+)[^}]*\}|([A-Za-z$]))/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
}

async function mailLogs(context: CheckContext): Promise<Finding[]> {
  const mail = context.config.services.mail;
  if (!mail) return [];
  const { fs, promises, config } = context;
  const promise = promises.mailLog;
  const findings: Finding[] = [];
  findings.push(...(await dovecotFindings(fs, promise)));
  findings.push(...(await postfixFindings(fs, promise)));
  if (mail.smtp) {
    // Postfix logs the envelope sender and recipients of every mail; no setting removes them.
    const logs = config.activities.filter(
      (activity) => activity.service === 'mail' && activity.store.kind === 'journald',
    );
    const declares = logs.some((activity) => activity.data.includes('mailAddresses'));
    findings.push(
      check(declares, {
        promise,
        file: 'treff.yaml',
        setting: `activities ${logs.map((a) => a.id).join(', ') || '(no mail log)'} data`,
        expected: 'mailAddresses (Postfix always logs from=<…> and to=<…>)',
        actual: declares ? 'declared' : 'not declared: the policy would understate the mail log',
        fix: `add mailAddresses to the data of ${logs[0]?.id ?? 'the mail log activity'}`,
      }),
      check(
        false,
        {
          promise,
          file: 'treff.yaml',
          setting: 'message-id in the mail log',
          expected: 'declared',
          actual: 'Postfix logs every message-id; no data category exists for it yet',
          fix: 'name it in the policy',
        },
        'warning',
      ),
    );
  }
  return findings;
}

/** Dovecot's login and delivery log formats and its debug settings. */
async function dovecotFindings(fs: RootFs, promise: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const values = new Map<string, { value: string; file: string }>();
  if (await fs.exists('/etc/dovecot/dovecot.conf'))
    await readDovecot(fs, '/etc/dovecot/dovecot.conf', values);
  else
    for (const file of await fs.glob('/etc/dovecot/conf.d/*.conf'))
      await readDovecot(fs, file, values);
  const elements = values.get('login_log_format_elements');
  const loginFormat =
    elements?.value ?? 'user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{session}>';
  const extra = dovecotVariables(loginFormat).filter(
    (v) => !['u', 'n', 'r', 'user', 'username', 'rip'].includes(v),
  );
  findings.push(
    check(extra.length === 0, {
      promise,
      file: elements?.file ?? '/etc/dovecot/conf.d/99-treff.conf',
      setting: 'login_log_format_elements',
      expected: 'user=<%u> rip=%r (user name and IP)',
      actual: extra.length === 0 ? loginFormat : `${loginFormat} (also ${extra.join(', ')})`,
      fix: RENDER_FIX,
    }),
  );
  const deliver = values.get('deliver_log_format');
  const deliverFormat = deliver?.value ?? 'msgid=%m: %$';
  findings.push(
    check(
      !dovecotVariables(deliverFormat).some(
        (v) => v === 'm' || v === 'msgid' || v === 'f' || v === 'from',
      ),
      {
        promise,
        file: deliver?.file ?? '/etc/dovecot/conf.d/99-treff-logging.conf',
        setting: 'deliver_log_format',
        expected: '%$ (no message-id, no sender)',
        actual: deliverFormat,
        fix: RENDER_FIX,
      },
    ),
  );
  const debug = [
    'auth_verbose_passwords',
    'auth_debug',
    'auth_debug_passwords',
    'mail_debug',
  ].filter((key) => {
    const value = values.get(key)?.value;
    return value !== undefined && !/^(no|)$/.test(value);
  });
  findings.push(
    check(debug.length === 0, {
      promise,
      file: '/etc/dovecot/conf.d',
      setting: 'debug logging',
      expected: 'auth_verbose_passwords, auth_debug, mail_debug off',
      actual: debug.length === 0 ? 'off' : debug.join(', '),
      fix: RENDER_FIX,
    }),
  );
  return findings;
}

/** Postfix's main.cf: the settings that would add the user name, the port, TLS or debug lines. */
async function postfixFindings(fs: RootFs, promise: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const main = parsePostfixMain((await fs.read('/etc/postfix/main.cf')) ?? '');
  const pins: [string, (v: string) => boolean, string][] = [
    [
      'smtpd_sasl_authenticated_header',
      (v) => v !== 'yes',
      'no (else the user name goes into every Received header)',
    ],
    ['smtpd_client_port_logging', (v) => v !== 'yes', 'no'],
    ['smtpd_tls_loglevel', (v) => v === '0' || v === '', '0'],
    ['smtp_tls_loglevel', (v) => v === '0' || v === '', '0'],
    ['debug_peer_list', (v) => v === '', 'empty'],
  ];
  for (const [key, ok, expected] of pins) {
    const value = main.get(key);
    findings.push(
      check(value === undefined || ok(value), {
        promise,
        file: '/etc/postfix/main.cf',
        setting: key,
        expected,
        actual: value ?? 'unset (the default)',
        fix: `postconf -e '${key} = ${expected.split(' ')[0] === 'empty' ? '' : (expected.split(' ')[0] ?? '')}' (see /etc/postfix/treff/privacy.cf.treff)`,
      }),
    );
  }
  return findings;
}

/** The mail checks. */
export const MAIL_CHECKS: readonly Check[] = [{ id: 'mail-logs', run: mailLogs }];
