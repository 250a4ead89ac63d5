import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from '../doctor.ts';
import { parsePostfixMain, readDovecot } from '../readers.ts';
import { intakeTransports } from './mail.accounts.render.ts';
import type { RootFs } from '../rootfs.ts';

/**
 * Mail (services.md §6, §7): IMAP and SMTP logs with the declared fields, and a declaration that
 * names what Postfix always logs.
 */

/** Dovecot's `%` variables in a log format: `%u`, `%{rip}`, 2.4's `%{remote_ip | x}` → `u`, `rip`, `remote_ip`. */
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
    // Dovecot 2.4 names them %{user} and %{remote_ip}.
    (v) => !['u', 'n', 'r', 'user', 'username', 'rip', 'remote_ip'].includes(v),
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
  // Dovecot 2.4 replaced auth_debug and mail_debug by debug categories (`log_debug = category=auth`).
  const logDebug = values.get('log_debug')?.value;
  if (logDebug !== undefined && logDebug !== '') debug.push(`log_debug = ${logDebug}`);
  findings.push(
    check(debug.length === 0, {
      promise,
      file: '/etc/dovecot/conf.d',
      setting: 'debug logging',
      expected: 'auth_verbose_passwords, auth_debug, mail_debug (2.4: log_debug) off',
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

/**
 * The entries of a Postfix lookup table as text: `inline:{ k=v, … }` from main.cf itself, or the
 * source file of an indexed or text table (`lmdb:/etc/postfix/transport` → that file).
 */
async function transportEntries(fs: RootFs, value: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const table of value.split(/[\s,]+(?![^{]*\})/).filter(Boolean)) {
    const inline = /^inline:\{(.*)\}$/s.exec(table);
    const pairs: [string, string][] = [];
    if (inline)
      for (const item of (inline[1] ?? '').split(/[\s,]+/).filter(Boolean)) {
        const at = item.indexOf('=');
        if (at > 0) pairs.push([item.slice(0, at), item.slice(at + 1)]);
      }
    else {
      const file = /^(?:hash|btree|lmdb|cdb|texthash):(\/.+)$/.exec(table)?.[1];
      for (const line of ((file && (await fs.read(file))) ?? '').split('\n')) {
        const match = /^\s*([^#\s]\S*)\s+(\S+)/.exec(line);
        if (match) pairs.push([match[1] ?? '', match[2] ?? '']);
      }
    }
    for (const [key, next] of pairs)
      if (!entries.has(key.toLowerCase())) entries.set(key.toLowerCase(), next);
  }
  return entries;
}

/**
 * The mail intake: Postfix's `transport_maps` hands each of treff's own addresses (WKS
 * submission, member accounts) to treff's LMTP listener as declared; else their mail would go to
 * Dovecot or bounce, and requests by mail would be lost.
 */
async function mailIntake(context: CheckContext): Promise<Finding[]> {
  if (!context.config.services.mail) return [];
  const wanted = intakeTransports(context.config);
  if (wanted.length === 0) return [];
  const main = parsePostfixMain((await context.fs.read('/etc/postfix/main.cf')) ?? '');
  const entries = await transportEntries(context.fs, main.get('transport_maps') ?? '');
  return wanted.map(({ address, transport }) => {
    const actual = entries.get(address);
    return check(actual === transport, {
      promise: 'mail intake: requests by mail reach treff',
      file: '/etc/postfix/main.cf',
      setting: `transport_maps ${address}`,
      expected: transport,
      actual: actual ?? 'not routed (Postfix delivers it elsewhere)',
      fix: 'apply transport_maps from /etc/postfix/treff/main.cf.treff with postconf -e',
    });
  });
}

/**
 * The members' mailboxes: a domain in both `mydestination` and `virtual_mailbox_domains` goes to
 * local(8) and /var/mail, never to Dovecot (Postfix only warns in its log). `$myhostname` and
 * `$mydomain` are expanded from main.cf, else from /etc/hostname, as Postfix does.
 */
async function mailDelivery(context: CheckContext): Promise<Finding[]> {
  const mail = context.config.services.mail;
  if (!mail) return [];
  const domain = mail.domain.toLowerCase();
  const main = parsePostfixMain((await context.fs.read('/etc/postfix/main.cf')) ?? '');
  const hostname =
    main.get('myhostname') ?? ((await context.fs.read('/etc/hostname')) ?? '').trim();
  const mydomain = main.get('mydomain') ?? hostname.split('.').slice(1).join('.');
  const expand = (value: string) =>
    value
      .replace(/\$(\{myhostname\}|myhostname\b)/g, hostname)
      .replace(/\$(\{mydomain\}|mydomain\b)/g, mydomain);
  const destinations = expand(
    main.get('mydestination') ?? '$myhostname, localhost.$mydomain, localhost',
  )
    .split(/[\s,]+/)
    .map((name) => name.toLowerCase())
    .filter(Boolean);
  return [
    check(!destinations.includes(domain), {
      promise: 'mail: members get their mail in their IMAP mailbox',
      file: '/etc/postfix/main.cf',
      setting: 'mydestination',
      expected: `without ${domain} (a virtual mailbox domain, delivered to Dovecot)`,
      actual: destinations.join(', ') || 'empty',
      fix: 'apply mydestination from /etc/postfix/treff/main.cf.treff with postconf -e (and give the host a name other than the mail domain)',
    }),
  ];
}

/** The mail checks. */
export const MAIL_CHECKS: readonly Check[] = [
  { id: 'mail-logs', run: mailLogs },
  { id: 'mail-intake', run: mailIntake },
  { id: 'mail-delivery', run: mailDelivery },
];
