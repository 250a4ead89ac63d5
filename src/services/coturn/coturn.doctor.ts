import { posix } from 'node:path';
import {
  check,
  RENDER_FIX,
  type Check,
  type CheckContext,
  type Finding,
  type Promises,
} from '../doctor.ts';
import { parseTurnserver, readSystemd } from '../readers.ts';
import type { RootFs } from '../rootfs.ts';

/**
 * Jitsi's STUN server (services.md §4): coturn answers STUN only and logs nothing, to no file
 * and not to the journal.
 */

async function coturn(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const { fs, promises } = context;
  const file = '/etc/turnserver.conf';
  const text = await fs.read(file);
  const base = { file, fix: RENDER_FIX };
  if (text === null) {
    return [
      check(false, {
        ...base,
        promise: promises.ownStun,
        setting: 'turnserver.conf',
        expected: 'present (coturn as the club’s STUN server)',
        actual: 'missing',
      }),
    ];
  }
  const options = parseTurnserver(text);
  const has = (name: string) => options.has(name);
  const findings: Finding[] = [];
  const port = options.get('listening-port')?.at(-1) ?? '3478';
  findings.push(
    check(has('stun-only'), {
      ...base,
      promise: promises.ownStun,
      setting: 'stun-only',
      expected: 'set (STUN only, no relay)',
      actual: has('stun-only') ? 'set' : 'unset (TURN relaying is on)',
    }),
    check(Number(port) === jitsi.stun.port, {
      ...base,
      promise: promises.ownStun,
      setting: 'listening-port',
      expected: String(jitsi.stun.port),
      actual: port,
    }),
  );
  const logging = ['syslog', 'verbose', 'Verbose', 'log-binding'].filter(has);
  const logFile = options.get('log-file')?.at(-1);
  findings.push(
    check(logging.length === 0, {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'logging',
      expected: 'no syslog, verbose, Verbose or log-binding',
      actual: logging.length === 0 ? 'none' : logging.join(', '),
    }),
    check(logFile === '/dev/null' && has('simple-log'), {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'log-file',
      expected: '/dev/null with simple-log',
      actual:
        logFile === undefined
          ? 'unset (coturn writes turn_<pid>_<date>.log to /var/log or /var/tmp)'
          : logFile === '/dev/null' && !has('simple-log')
            ? '/dev/null without simple-log (coturn falls back to /var/log, /var/tmp or /tmp)'
            : logFile,
    }),
    check(has('no-stdout-log'), {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'no-stdout-log',
      expected: 'set (stdout goes to the journal)',
      actual: has('no-stdout-log') ? 'set' : 'unset',
    }),
  );
  findings.push(...(await unitFindings(fs, promises)));
  findings.push(...(await leftoverFiles(fs, promises)));
  return findings;
}

/** The unit's output: coturn prints some errors with the client's IP whatever its settings. */
async function unitFindings(fs: RootFs, promises: Promises): Promise<Finding[]> {
  const findings: Finding[] = [];
  const unit = await readSystemd(
    fs,
    [
      '/etc/systemd/system/coturn.service',
      '/lib/systemd/system/coturn.service',
      '/usr/lib/systemd/system/coturn.service',
    ],
    'systemd/system/coturn.service.d',
  );
  const output = unit.get('Service', 'StandardOutput');
  findings.push(
    check(output?.value === 'null', {
      promise: promises.stunNoLogs,
      file: output?.file ?? '/etc/systemd/system/coturn.service.d/treff.conf',
      setting: 'StandardOutput',
      expected: 'null (socket errors are printed with the client IP, coturn #911)',
      actual: output?.value ?? 'unset (journal)',
      fix: RENDER_FIX,
    }),
  );
  return findings;
}

/** Live: log files coturn wrote despite the settings. */
async function leftoverFiles(fs: RootFs, promises: Promises): Promise<Finding[]> {
  const findings: Finding[] = [];
  const found: string[] = [];
  for (const dir of ['/var/log', '/var/log/turnserver', '/var/tmp', '/tmp']) {
    for (const name of await fs.list(dir)) {
      if (/^turn.*\.log$/.test(name)) found.push(posix.join(dir, name));
      if (name.startsWith('systemd-private-') && name.includes('coturn')) {
        for (const inner of await fs.list(posix.join(dir, name, 'tmp'))) {
          if (/^turn.*\.log$/.test(inner)) found.push(posix.join(dir, name, 'tmp', inner));
        }
      }
    }
  }
  findings.push(
    check(found.length === 0, {
      promise: promises.stunNoLogs,
      file: '/var/log, /var/tmp, /tmp',
      setting: 'coturn log files',
      expected: 'none',
      actual: found.length === 0 ? 'none' : found.join(', '),
      fix: `delete them; ${RENDER_FIX}`,
    }),
  );
  return findings;
}

/** The STUN server checks. */
export const COTURN_CHECKS: readonly Check[] = [{ id: 'coturn', run: coturn }];
