import { spawn } from 'node:child_process';
import { posix } from 'node:path';
import { isLogActivity, logRetention } from '../declared.ts';
import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from '../doctor.ts';
import { parseTimeSpan, readSystemd } from '../readers.ts';
import type { RootFs } from '../rootfs.ts';
import { lastlogRecords, utmpTimes } from '../shell/utmp.parse.ts';
import { readLogrotate, stanzaFor } from './logrotate.parse.ts';
import { rotation } from './logs.render.ts';

/**
 * "All logs are deleted after N days" (services.md §1, §5.2): journald, logrotate for every file
 * log of the club's daemons, the lastlog scrubber; live: the age of every log file, of every
 * login record and of the journal's oldest entry.
 */

const JOURNALD_DROP_IN = '/etc/systemd/journald.conf.d/treff.conf';
const DAY = 86_400;

function days(seconds: number): string {
  return seconds % DAY === 0 ? `${seconds / DAY}day` : `${seconds}s`;
}

async function journald(context: CheckContext): Promise<Finding[]> {
  const { fs, promises } = context;
  const retention = logRetention(context.config);
  const limit = Math.floor(retention.ms / 1000);
  const config = await readSystemd(fs, ['/etc/systemd/journald.conf'], 'systemd/journald.conf.d');
  const findings: Finding[] = [];
  const maxRetention = config.get('Journal', 'MaxRetentionSec');
  const retentionSeconds = maxRetention ? parseTimeSpan(maxRetention.value) : null;
  findings.push(
    check(retentionSeconds !== null && retentionSeconds > 0 && retentionSeconds <= limit, {
      promise: promises.logs,
      file: maxRetention?.file ?? JOURNALD_DROP_IN,
      setting: 'MaxRetentionSec',
      expected: `at most ${days(limit)}`,
      actual: maxRetention
        ? maxRetention.value || 'empty'
        : 'unset (default: kept until a size limit)',
      fix: RENDER_FIX,
    }),
  );
  const maxFile = config.get('Journal', 'MaxFileSec');
  const fileSeconds = maxFile ? parseTimeSpan(maxFile.value) : 2_629_800;
  findings.push(
    check(fileSeconds !== null && fileSeconds > 0 && fileSeconds <= Math.min(limit, DAY), {
      promise: promises.logs,
      file: maxFile?.file ?? JOURNALD_DROP_IN,
      setting: 'MaxFileSec',
      expected: `at most ${days(Math.min(limit, DAY))}`,
      actual: maxFile?.value ?? 'unset (default: 1month, the active file holds a month)',
      fix: RENDER_FIX,
    }),
  );
  const forward = config.get('Journal', 'ForwardToSyslog');
  const rsyslog = await fs.exists('/etc/rsyslog.conf');
  const forwards = !forward || /^(yes|true|on|1)$/i.test(forward.value);
  findings.push(
    check(!(forwards && rsyslog), {
      promise: promises.logs,
      file: forward?.file ?? JOURNALD_DROP_IN,
      setting: 'ForwardToSyslog',
      expected: rsyslog ? 'no (rsyslog keeps its own copies)' : 'no, or rsyslog not installed',
      actual: `${forward?.value ?? 'unset (yes)'}${rsyslog ? ', rsyslog is installed' : ', rsyslog is not installed'}`,
      fix: `${RENDER_FIX}; or apt-get purge rsyslog`,
    }),
  );
  return findings;
}

/** The file logs of the club's daemons that logrotate must keep within the bound. */
async function logTargets(context: CheckContext): Promise<{ path: string; declared: boolean }[]> {
  const { services, activities } = context.config;
  const targets: { path: string; declared: boolean }[] = [
    { path: '/var/log/wtmp', declared: false },
    { path: '/var/log/btmp', declared: false },
  ];
  if (services.website) targets.push({ path: '/var/log/nginx/*.log', declared: false });
  if (services.xmpp) {
    targets.push(
      { path: '/var/log/prosody/prosody.log', declared: false },
      { path: '/var/log/prosody/prosody.err', declared: false },
    );
  }
  if (services.jitsi) {
    targets.push(
      { path: '/var/log/jitsi/jvb.log', declared: false },
      { path: '/var/log/jitsi/jicofo.log', declared: false },
    );
  }
  if (await context.fs.exists('/etc/rsyslog.conf')) {
    for (const name of ['syslog', 'mail.log', 'kern.log', 'auth.log', 'user.log', 'cron.log']) {
      targets.push({ path: `/var/log/${name}`, declared: false });
    }
  }
  for (const activity of activities) {
    if (activity.store.kind === 'file-log' && isLogActivity(activity)) {
      targets.push({ path: activity.store.path, declared: true });
    }
  }
  return targets;
}

async function logrotate(context: CheckContext): Promise<Finding[]> {
  const { fs, promises } = context;
  const bound = logRetention(context.config).days;
  const wanted = rotation(bound);
  const config = await readLogrotate(fs);
  const findings: Finding[] = [];
  for (const target of await logTargets(context)) {
    const { stanza, duplicates } = stanzaFor(config, target.path);
    if (!stanza) {
      const present = (await fs.glob(target.path)).length > 0;
      // Without a stanza and without the log (its daemon is not installed) nothing is kept.
      findings.push(
        check(!present && !target.declared, {
          promise: promises.logs,
          file: '/etc/logrotate.d',
          setting: `rotation of ${target.path}`,
          expected: 'a stanza that deletes it after the bound',
          actual: present ? 'no stanza: the log grows and is never deleted' : 'no stanza, no log',
          fix: RENDER_FIX,
        }),
      );
      continue;
    }
    const s = stanza.settings;
    const where = `${stanza.file} (${target.path})`;
    const base = { promise: promises.logs, file: where, fix: RENDER_FIX };
    findings.push(
      check(s.size === null && (s.interval === 'daily' || s.interval === 'hourly'), {
        ...base,
        setting: 'interval',
        expected: 'daily',
        actual:
          s.size !== null ? `size ${s.size} (replaces the interval)` : (s.interval ?? 'unset'),
      }),
      check(s.minsize === null, {
        ...base,
        setting: 'minsize',
        expected: 'unset',
        actual: s.minsize === null ? 'unset' : `${s.minsize} (a small log is never rotated)`,
      }),
      check(s.rotate !== null && s.rotate <= bound - 1, {
        ...base,
        setting: 'rotate',
        expected: `at most ${bound - 1} (treff: ${wanted.rotate})`,
        actual: String(s.rotate),
      }),
      check(s.maxage !== null && s.maxage <= bound, {
        ...base,
        setting: 'maxage',
        expected: `at most ${bound} (treff: ${wanted.maxage})`,
        actual: s.maxage === null ? 'unset' : String(s.maxage),
      }),
      check(s.ifempty, {
        ...base,
        setting: 'ifempty',
        expected: 'ifempty (maxage is checked only when a log is rotated)',
        actual: s.ifempty ? 'ifempty' : 'notifempty',
      }),
    );
    for (const duplicate of duplicates) {
      findings.push(
        check(false, {
          ...base,
          file: duplicate.file,
          setting: `second stanza for ${target.path}`,
          expected: 'one stanza per log',
          actual: `ignored by logrotate, which uses ${stanza.file}`,
          fix: `delete the stanza in ${duplicate.file}`,
        }),
      );
    }
  }
  return findings;
}

async function scrubbers(context: CheckContext): Promise<Finding[]> {
  const { fs, promises, config } = context;
  const findings: Finding[] = [];
  const units: { unit: string; promise: string; why: string }[] = [
    {
      unit: 'treff-lastlog.timer',
      promise: promises.logs,
      why: 'lastlog keeps every account’s last login and IP forever',
    },
  ];
  if (config.services.xmpp) {
    units.push({
      unit: 'treff-upload-expiry.timer',
      promise: promises.uploads,
      why: 'Prosody prunes uploads once a day only',
    });
  }
  for (const { unit, promise, why } of units) {
    const file = `/etc/systemd/system/${unit}`;
    const present = await fs.exists(file);
    findings.push(
      check(present, {
        promise,
        file,
        setting: 'unit',
        expected: 'present',
        actual: present ? 'present' : `missing (${why})`,
        fix: RENDER_FIX,
      }),
    );
    if (present && context.live) {
      const result = await context.run('systemctl', ['is-enabled', unit]);
      const state = result.stdout.trim() || 'unknown';
      findings.push(
        check(
          state === 'enabled',
          {
            promise,
            file,
            setting: 'systemctl is-enabled',
            expected: 'enabled',
            actual: state,
            fix: `systemctl enable --now ${unit}`,
          },
          result.ok || state !== 'unknown' ? 'error' : 'skipped',
        ),
      );
    }
  }
  return findings;
}

/** Log files whose content is personal data of the services (red when older than the bound). */
const SERVICE_LOGS =
  /^\/var\/log\/(nginx|prosody|jitsi|treff|turnserver)\/|^\/var\/log\/(syslog|messages|mail\.|auth\.log|kern\.log|user\.log|cron\.log|daemon\.log|fail2ban\.log)/;
const RECORD_LOGS = /^\/var\/log\/(wtmp|btmp)(\.|-|$)/;
const SKIPPED_LOGS = /^\/var\/log\/(journal\/|lastlog$|faillog$)/;

async function walk(context: CheckContext, dir: string, out: string[], depth = 0): Promise<void> {
  if (depth > 6) return;
  for (const name of await context.fs.list(dir)) {
    const path = posix.join(dir, name);
    const info = await context.fs.stat(path);
    if (!info) continue;
    if (info.isDirectory()) await walk(context, path, out, depth + 1);
    else if (info.isFile()) out.push(path);
  }
}

function age(now: Date, seconds: number): string {
  const hours = (now.getTime() / 1000 - seconds) / 3600;
  return hours >= 48 ? `${Math.floor(hours / 24)} days` : `${Math.floor(hours)} hours`;
}

async function logAges(context: CheckContext): Promise<Finding[]> {
  const { fs, now, promises } = context;
  const limit = Math.floor(logRetention(context.config).ms / 1000);
  const cutoff = now.getTime() / 1000 - limit;
  const files: string[] = [];
  await walk(context, '/var/log', files);
  const findings: Finding[] = [];
  const base = { promise: promises.logs, expected: `nothing older than ${days(limit)}` };
  const otherOld: string[] = [];
  // The declared log files and their archives (web, web.1, web.2.gz …).
  const declared = context.config.activities.flatMap((activity) =>
    activity.store.kind === 'file-log' ? [activity.store.path] : [],
  );
  let checkedFiles = 0;
  for (const path of files) {
    if (SKIPPED_LOGS.test(path)) continue;
    if (RECORD_LOGS.test(path)) {
      const times = utmpTimes((await fs.readBytes(path)) ?? new Uint8Array());
      const old = times.filter((time) => time < cutoff);
      findings.push(
        check(old.length === 0, {
          ...base,
          file: path,
          setting: 'login records',
          actual:
            old.length === 0
              ? `${times.length} records, none too old`
              : `${old.length} of ${times.length} records too old, the oldest ${age(now, Math.min(...old))}`,
          fix: 'treff services render --out / --force (logrotate wtmp/btmp daily), then logrotate -f /etc/logrotate.conf',
        }),
      );
      continue;
    }
    const info = await fs.stat(path);
    if (!info) continue;
    checkedFiles++;
    if (info.mtimeMs / 1000 >= cutoff) continue;
    if (SERVICE_LOGS.test(path) || declared.some((file) => path.startsWith(file))) {
      findings.push(
        check(false, {
          ...base,
          file: path,
          setting: 'last written',
          actual: `${age(now, info.mtimeMs / 1000)} ago`,
          fix: 'delete it; treff services render --out / --force keeps logrotate within the bound',
        }),
      );
    } else {
      otherOld.push(path);
    }
  }
  if (checkedFiles > 0) {
    findings.push(
      check(
        otherOld.length === 0,
        {
          ...base,
          file: '/var/log',
          setting: 'other log files',
          actual:
            otherOld.length === 0
              ? `${checkedFiles} files, none too old`
              : `${otherOld.length} older files not from the club's services: ${otherOld.slice(0, 5).join(', ')}${otherOld.length > 5 ? ', …' : ''}`,
          fix: 'check whether they hold personal data; delete them or rotate them like the service logs',
        },
        'warning',
      ),
    );
  }
  findings.push(...(await lastlogFindings(fs, now, cutoff, base)));
  return findings;
}

/** lastlog's records: one per uid, kept forever unless the scrubber clears them. */
async function lastlogFindings(
  fs: RootFs,
  now: Date,
  cutoff: number,
  base: { promise: string; expected: string },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const lastlog = await fs.readBytes('/var/log/lastlog');
  if (lastlog) {
    const records = lastlogRecords(lastlog);
    const old = records.filter((record) => record.time < cutoff);
    findings.push(
      check(old.length === 0, {
        ...base,
        file: '/var/log/lastlog',
        setting: 'last-login records',
        actual:
          old.length === 0
            ? `${records.length} records, none too old`
            : `${old.length} of ${records.length} records too old, the oldest ${age(now, Math.min(...old.map((r) => r.time)))}`,
        fix: 'treff services scrub-lastlog; systemctl enable --now treff-lastlog.timer',
      }),
    );
  }
  return findings;
}

/** The first line journalctl prints (the oldest entry), without reading the whole journal. */
function firstJournalLine(args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('journalctl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve(null);
      return;
    }
    let buffer = '';
    const done = (value: string | null) => {
      child.kill();
      resolve(value);
    };
    child.on('error', () => {
      resolve(null);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline !== -1) done(buffer.slice(0, newline));
    });
    child.on('close', () => {
      resolve(buffer.trim() === '' ? null : buffer.trim());
    });
  });
}

async function journalAge(context: CheckContext): Promise<Finding[]> {
  const { fs, now, promises } = context;
  const limit = Math.floor(logRetention(context.config).ms / 1000);
  const directory = await fs.resolve('/var/log/journal');
  const base = {
    promise: promises.logs,
    file: '/var/log/journal',
    setting: 'oldest journal entry',
    expected: `at most ${days(limit)} old`,
    fix: 'journalctl --vacuum-time=<bound>; treff services render --out / --force',
  };
  if (!context.live && !directory) return [];
  const args = [
    '-q',
    '-o',
    'short-unix',
    '--no-pager',
    ...(context.live ? [] : ['-D', directory ?? '']),
  ];
  const line = await firstJournalLine(args);
  const seconds = line ? Number(/^(\d+(?:\.\d+)?)/.exec(line)?.[1]) : NaN;
  if (!Number.isFinite(seconds)) {
    return [
      check(
        false,
        { ...base, actual: 'not readable (journalctl missing, no journal, or no permission)' },
        'skipped',
      ),
    ];
  }
  return [
    check(seconds >= now.getTime() / 1000 - limit, { ...base, actual: `${age(now, seconds)} old` }),
  ];
}

/** The log-retention checks. */
export const LOG_CHECKS: readonly Check[] = [
  { id: 'journald', run: journald },
  { id: 'logrotate', run: logrotate },
  { id: 'scrubbers', run: scrubbers },
  { id: 'log-ages', run: logAges },
  { id: 'journal-age', run: journalAge },
];
