import { execFile } from 'node:child_process';
import type { Config } from '../core/config/load.ts';
import { describeSeconds, logPromise, uploadExpirySeconds } from './declared.ts';
import { RootFs } from './rootfs.ts';

/**
 * `treff doctor`: proves that a server keeps the promises of its declaration (issue #6). Static
 * checks read the daemons' configuration as the daemons do (under `--root DIR`, a rendered tree
 * or a copy of a server's /etc is checked exactly like the live one); live checks look at what
 * the daemons left behind (log ages, login records, stored uploads, shell histories) and, on the
 * live system, at systemd and the journal. Every result is a {@link Finding}: data that names the
 * promise, the file, the setting, what was expected, what was found and the fix.
 */

/** `error`: a promise is broken. `warning`: needs a person. `skipped`: could not be checked. */
export type Severity = 'error' | 'warning' | 'ok' | 'skipped';

/** One result of the doctor. */
export interface Finding {
  /** Which promise of the policy, e.g. `logs 10 days`. */
  promise: string;
  /** The file (as under `/`) the setting is or belongs in. */
  file: string;
  setting: string;
  expected: string;
  actual: string;
  fix: string;
  severity: Severity;
}

/** Runs a command; resolves with its output, never rejects (ok false when it failed). */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ ok: boolean; stdout: string }>;

/** The names of the promises, from the declaration. */
export interface Promises {
  logs: string;
  roomHistory: string;
  directNotStored: string;
  uploads: string;
  xmppLog: string;
  ownStun: string;
  jitsiThirdParty: string;
  jitsiNoLogs: string;
  jitsiStorage: string;
  stunNoLogs: string;
  webLog: string;
  webOrigins: string;
  shellHistory: string;
  sshLog: string;
  mailLog: string;
}

/** What a check receives. */
export interface CheckContext {
  config: Config;
  fs: RootFs;
  now: Date;
  /** The live system (`/`): systemd and the journal may be asked. */
  live: boolean;
  run: CommandRunner;
  promises: Promises;
}

/** One group of checks, as data: an id and a function from the context to findings. */
export interface Check {
  id: string;
  run(context: CheckContext): Promise<Finding[]>;
}

/** The doctor's result. */
export interface DoctorReport {
  root: string;
  checkedAt: string;
  findings: Finding[];
}

/** The fix for anything treff renders. */
export const RENDER_FIX = 'treff services render --out / --force, then reload the daemon';

/** The promise names for a declaration. */
export function promisesOf(config: Config): Promises {
  const xmpp = config.services.xmpp;
  const website = config.services.website;
  const expiry = uploadExpirySeconds(config);
  return {
    logs: logPromise(config),
    roomHistory: `room history ${xmpp?.muc.history ?? 0}`,
    directNotStored: 'one-to-one chats not stored',
    uploads: `uploads ${expiry === null ? 'none' : describeSeconds(expiry)}`,
    xmppLog: 'XMPP log: logins and logouts',
    ownStun: 'own STUN server only',
    jitsiThirdParty: 'Jitsi: no third-party requests',
    jitsiNoLogs: 'Jitsi: nothing logged',
    jitsiStorage: 'Jitsi: browser storage as declared',
    stunNoLogs: 'STUN server: nothing logged',
    webLog: `web log: ${(website?.logFields ?? []).join(', ') || 'nothing'}`,
    webOrigins: 'website: no other origins',
    shellHistory: `shell history ${config.services.shell?.history ?? 'off'}`,
    sshLog: 'SSH log: ip, times, user',
    mailLog: 'mail log: declared fields',
  };
}

/** A finding, with `ok` deciding between `error` (or `failSeverity`) and `ok`. */
export function check(
  ok: boolean,
  fields: Omit<Finding, 'severity'>,
  failSeverity: Severity = 'error',
): Finding {
  return { ...fields, severity: ok ? 'ok' : failSeverity };
}

const defaultRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { encoding: 'utf8', timeout: 20_000 }, (error, stdout) => {
      resolve({ ok: error === null, stdout });
    });
  });

/**
 * Runs every check against the tree at `root` (default `/`). Never throws for what it finds: a
 * check that fails unexpectedly becomes a warning naming the error. Live checks of systemd and
 * the journal run only for `/`.
 */
export async function runDoctor(
  config: Config,
  checks: readonly Check[],
  options: { root?: string; now?: Date; run?: CommandRunner } = {},
): Promise<DoctorReport> {
  const fs = new RootFs(options.root ?? '/');
  const now = options.now ?? new Date();
  const context: CheckContext = {
    config,
    fs,
    now,
    live: fs.live,
    run: options.run ?? defaultRunner,
    promises: promisesOf(config),
  };
  const findings: Finding[] = [];
  for (const item of checks) {
    try {
      findings.push(...(await item.run(context)));
    } catch (error) {
      findings.push({
        promise: item.id,
        file: '',
        setting: '',
        expected: 'the check runs',
        actual: `it failed: ${(error as Error).message}`,
        fix: 'run treff doctor as root, or report this as a bug',
        severity: 'warning',
      });
    }
  }
  return { root: fs.root, checkedAt: now.toISOString(), findings };
}

/** Counts by severity and the promises with at least one error. */
export function summarize(report: DoctorReport): {
  errors: number;
  warnings: number;
  ok: number;
  skipped: number;
  broken: string[];
} {
  const count = (severity: Severity) =>
    report.findings.filter((finding) => finding.severity === severity).length;
  const broken = [
    ...new Set(
      report.findings.filter((finding) => finding.severity === 'error').map((f) => f.promise),
    ),
  ];
  return {
    errors: count('error'),
    warnings: count('warning'),
    ok: count('ok'),
    skipped: count('skipped'),
    broken,
  };
}

const MARKS: Record<Severity, string> = { error: '✗', warning: '!', ok: '✓', skipped: '–' };

/**
 * One line for a finding, e.g. `✗ logs 10 days: /etc/systemd/journald.conf.d/treff.conf:
 * MaxRetentionSec is unset (expected ≤ 10day); fix: treff services render …`.
 */
export function formatFinding(finding: Finding): string {
  const where = finding.file ? `${finding.file}: ` : '';
  const tail = finding.severity === 'ok' ? '' : `; fix: ${finding.fix}`;
  return `${MARKS[finding.severity]} ${finding.promise}: ${where}${finding.setting} is ${finding.actual} (expected ${finding.expected})${tail}`;
}
