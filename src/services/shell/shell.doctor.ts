import { posix } from 'node:path';
import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from '../doctor.ts';
import { readSshd } from '../readers.ts';
import { BASHRC_HOOK, HISTORY_SNIPPET, KEEP_HISTORY_MARKER } from './shell.render.ts';

/**
 * Login shells (services.md §5): shell history only for members who opted in, and SSH logs with
 * the declared fields.
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

/** The shell and SSH checks. */
export const SHELL_CHECKS: readonly Check[] = [
  { id: 'shell-history', run: shellHistory },
  { id: 'ssh', run: ssh },
];
