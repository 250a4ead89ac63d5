import { posix } from 'node:path';
import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from './doctor.ts';
import { parsePostfixMain, readDovecot, readSshd } from './readers.ts';
import { BASHRC_HOOK, HISTORY_SNIPPET, KEEP_HISTORY_MARKER } from './shell/shell.render.ts';

/**
 * The member-account services (services.md §5, §6, §7): shell history only for members who
 * opted in, SSH, IMAP and SMTP logs with the declared fields, and a declaration that names what
 * Postfix always logs.
 */

async function shellHistory(context: CheckContext): Promise<Finding[]> {
  const shell = context.config.services.shell;
  if (!shell) return [];
  const { fs, promises } = context;
  const promise = promises.shellHistory;
  const findings: Finding[] = [];
  const snippet = await fs.read(HISTORY_SNIPPET);
  const optIn = shell.history === 'opt-in';
  findings.push(
    check(
      snippet !== null &&
        /unset HISTFILE/.test(snippet) &&
        (!optIn || snippet.includes(KEEP_HISTORY_MARKER)),
      {
        promise,
        file: HISTORY_SNIPPET,
        setting: 'HISTFILE',
        expected: optIn ? `unset unless ~/${KEEP_HISTORY_MARKER} exists` : 'unset',
        actual:
          snippet === null
            ? 'missing (bash saves ~/.bash_history for everyone)'
            : /unset HISTFILE/.test(snippet) && (!optIn || snippet.includes(KEEP_HISTORY_MARKER))
              ? 'as declared'
              : 'another rule',
        fix: RENDER_FIX,
      },
    ),
  );
  const bashrc = await fs.read('/etc/bash.bashrc');
  if (bashrc === null) {
    findings.push(
      check(
        false,
        {
          promise,
          file: '/etc/bash.bashrc',
          setting: 'hook',
          expected: BASHRC_HOOK,
          actual: 'no /etc/bash.bashrc here',
          fix: 'none needed',
        },
        'skipped',
      ),
    );
  } else {
    findings.push(
      check(bashrc.includes(HISTORY_SNIPPET), {
        promise,
        file: '/etc/bash.bashrc',
        setting: 'hook',
        expected: `${BASHRC_HOOK} (shells that are not login shells read only this file)`,
        actual: bashrc.includes(HISTORY_SNIPPET) ? 'present' : 'missing',
        fix: `echo '${BASHRC_HOOK}' >> /etc/bash.bashrc`,
      }),
    );
  }
  // Live: histories of people who did not opt in.
  const homes = ['/root', ...(await fs.list('/home')).map((name) => posix.join('/home', name))];
  const unwanted: string[] = [];
  for (const home of homes) {
    const history = await fs.stat(posix.join(home, '.bash_history'));
    if (!history?.isFile() || history.size === 0) continue;
    if (optIn && (await fs.exists(posix.join(home, KEEP_HISTORY_MARKER)))) continue;
    unwanted.push(posix.join(home, '.bash_history'));
  }
  findings.push(
    check(unwanted.length === 0, {
      promise,
      file: '/home, /root',
      setting: '.bash_history',
      expected: optIn ? `only where ~/${KEEP_HISTORY_MARKER} exists` : 'none',
      actual: unwanted.length === 0 ? 'none without opt-in' : unwanted.slice(0, 5).join(', '),
      fix: `delete them (rm ${unwanted.slice(0, 3).join(' ')}${unwanted.length > 3 ? ' …' : ''})`,
    }),
  );
  return findings;
}

async function ssh(context: CheckContext): Promise<Finding[]> {
  if (!context.config.services.shell) return [];
  const { fs, promises } = context;
  const entry = (await fs.exists('/etc/ssh/sshd_config')) ? '/etc/ssh/sshd_config' : null;
  const values = new Map<string, { value: string; file: string }>();
  if (entry) await readSshd(fs, entry, values);
  else
    for (const file of await fs.glob('/etc/ssh/sshd_config.d/*.conf'))
      await readSshd(fs, file, values);
  const level = values.get('loglevel');
  const dns = values.get('usedns');
  return [
    check(/^(QUIET|FATAL|ERROR|INFO)$/i.test(level?.value ?? 'INFO'), {
      promise: promises.sshLog,
      file: level?.file ?? '/etc/ssh/sshd_config.d/treff.conf',
      setting: 'LogLevel',
      expected:
        'INFO (VERBOSE adds key fingerprints of failed tries; DEBUG "violates the privacy of users")',
      actual: level?.value ?? 'unset (INFO)',
      fix: RENDER_FIX,
    }),
    check(!/^yes$/i.test(dns?.value ?? 'no'), {
      promise: promises.sshLog,
      file: dns?.file ?? '/etc/ssh/sshd_config',
      setting: 'UseDNS',
      expected: 'no (no host names of clients)',
      actual: dns?.value ?? 'unset (no)',
      fix: 'remove UseDNS yes',
    }),
    // No sshd option removes these; the declaration should say so (services.md §5.1).
    check(
      false,
      {
        promise: promises.sshLog,
        file: 'treff.yaml (activity shell-logins)',
        setting: 'declared data',
        expected: 'everything sshd logs at INFO',
        actual: 'sshd also logs the source port and the key fingerprint, which are not declared',
        fix: 'name them in the policy (no data category exists for them yet)',
      },
      'warning',
    ),
  ];
}

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

/** Shell, SSH and mail checks. */
export const ACCOUNT_CHECKS: readonly Check[] = [
  { id: 'shell-history', run: shellHistory },
  { id: 'ssh', run: ssh },
  { id: 'mail-logs', run: mailLogs },
];
