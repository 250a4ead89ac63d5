import type { Activity, RetentionRule } from '../core/config/schema.ts';
import { withJobLock } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { parseDuration, subtractDuration } from '../core/duration.ts';
import { formatDuration, LANGS, translator, type Lang } from '../core/i18n/index.ts';
import { newId } from '../core/ids.ts';
import { startScheduler } from '../core/jobs.ts';
import { policyVersion } from '../policy/index.ts';
import { retentionStatus, type RuleStatus } from '../retention/index.ts';
import { diagnose, promisesOf, type Promises } from '../services/index.ts';
import type { Bilingual, PromiseFigure, RedReason, TransparencyFigures } from './figures.ts';
import {
  deleteDoctorRunsBefore,
  insertDoctorRun,
  latestDoctorRun,
  type DoctorRun,
} from './transparency.repo.ts';

/** How often `treff serve` runs the doctor: as often as the most frequent retention job. */
export const DOCTOR_INTERVAL_MS = 3_600_000;

/** Stored doctor runs are kept 30 days: the page needs the last, an admin the recent ones. */
const DOCTOR_HISTORY_MS = 30 * 86_400_000;

/** The doctor's verdict is stale (no longer shown as a verdict) after two of its intervals. */
const DOCTOR_STALE_MS = 2 * DOCTOR_INTERVAL_MS + 60_000;

type Deps4Figures = Pick<Deps, 'db' | 'clock' | 'config' | 'messages'>;

/**
 * The doctor promises (names from {@link promisesOf}) that stand behind a declared activity's
 * store: the daemon settings that make the store keep what and how long the policy says.
 */
export function doctorPromisesFor(activity: Activity, promises: Promises): string[] {
  const kind = activity.store.kind;
  const service = activity.service;
  const names: string[] = [];
  if (kind === 'journald' || kind === 'file-log') {
    names.push(promises.logs);
    if (service === 'website') names.push(promises.webLog);
    if (service === 'xmpp') names.push(promises.xmppLog);
    if (service === 'shell') names.push(promises.sshLog);
    if (service === 'mail') names.push(promises.mailLog);
    if (service === 'jitsi') names.push(promises.jitsiNoLogs, promises.stunNoLogs);
  }
  if (kind === 'memory' && service === 'xmpp')
    names.push(promises.roomHistory, promises.directNotStored);
  if (kind === 'memory' && service === 'jitsi')
    names.push(promises.jitsiNoLogs, promises.stunNoLogs, promises.ownStun);
  if (kind === 'client-device' && service === 'jitsi')
    names.push(promises.jitsiStorage, promises.jitsiThirdParty);
  if (kind === 'directory' && service === 'xmpp') names.push(promises.uploads);
  if (kind === 'home-directory' && service === 'shell') names.push(promises.shellHistory);
  return names;
}

function periodText(rule: RetentionRule, lang: Lang, deps: Deps4Figures): string {
  const t = translator(lang, deps.messages);
  if (rule.untilRequest) return t('transparency.period.untilRequest');
  if (rule.keepCount !== undefined)
    return t('transparency.period.lastN', { count: rule.keepCount });
  const keep = rule.keep ? parseDuration(rule.keep) : null;
  if (!keep) return t('transparency.period.untilRequest');
  if (Object.values(keep).every((value) => value === 0)) return t('transparency.period.none');
  const text = formatDuration(keep, lang);
  return rule.roundUp === 'endOfYear' ? t('transparency.period.endOfYear', { period: text }) : text;
}

function bilingual(make: (lang: Lang) => string): Bilingual {
  const [de, en] = LANGS.map(make) as [string, string];
  return { de, en };
}

function stateReasons(row: RuleStatus): RedReason[] {
  switch (row.state) {
    case 'over':
      return ['over'];
    case 'late':
      return ['late'];
    case 'never':
      return ['never'];
    case 'error':
      return ['failed'];
    default:
      return [];
  }
}

function figureOf(
  row: RuleStatus,
  activity: Activity | undefined,
  doctor: DoctorRun | undefined,
  promises: Promises,
  deps: Deps4Figures,
): PromiseFigure {
  const reasons = stateReasons(row);
  const concerned = activity ? new Set(doctorPromisesFor(activity, promises)) : new Set<string>();
  let verdict: PromiseFigure['doctor'] = null;
  if (doctor && concerned.size > 0) {
    const findings = doctor.findings.filter((finding) => concerned.has(finding.promise));
    if (findings.length > 0) {
      verdict = {
        checkedAt: doctor.checkedAt,
        asDeclared: !findings.some((finding) => finding.severity === 'error'),
      };
      if (!verdict.asDeclared) reasons.push('doctor');
    }
  }
  const period = (lang: Lang) => periodText(row.rule, lang, deps);
  const keep = row.rule.keep ? parseDuration(row.rule.keep) : null;
  return {
    key: row.name,
    activityId: row.activityId,
    activity: row.activityTitle,
    promise: bilingual((lang) => `${row.activityTitle[lang]}: ${period(lang)}`),
    limit: row.rule.keep ?? null,
    // Measured from the oldest item when there is one, else counted back from now.
    limitMs:
      row.limitMs ??
      (keep
        ? deps.clock.now().getTime() - subtractDuration(deps.clock.now(), keep).getTime()
        : null),
    oldestAgeMs: row.oldestAgeMs === null ? null : Math.max(0, row.oldestAgeMs),
    items: row.lastRun?.kept ?? null,
    deletedBy: row.keptBy ?? 'job',
    lastDeletion: row.lastRun
      ? {
          at: row.lastRun.startedAt,
          result: row.lastRun.status === 'error' ? 'error' : 'ok',
          removed: row.lastRun.removed,
        }
      : null,
    doctor: verdict,
    green: reasons.length === 0,
    reasons,
  };
}

/**
 * The figures of the transparency page, computed now from the recorded retention runs and the
 * last stored doctor run (never from a doctor run of its own, so a page view stays cheap). A
 * promise is red when its oldest item is older than allowed, its deletion job failed, has not
 * run or has not run for two of its intervals, or the last doctor run (if not older than two
 * doctor intervals) found the settings behind it not as declared.
 */
export async function transparencyFigures(deps: Deps4Figures): Promise<TransparencyFigures> {
  const [rows, stored] = await Promise.all([
    retentionStatus(deps, { totals: false }),
    latestDoctorRun(deps.db),
  ]);
  const now = deps.clock.now().getTime();
  const doctor =
    stored && now - new Date(stored.checkedAt).getTime() <= DOCTOR_STALE_MS ? stored : undefined;
  const promises = promisesOf(deps.config);
  const activities = new Map(deps.config.activities.map((activity) => [activity.id, activity]));
  const figures = rows.map((row) =>
    figureOf(row, activities.get(row.activityId), doctor, promises, deps),
  );
  return {
    format: 1,
    generatedAt: deps.clock.now().toISOString(),
    club: deps.config.club.name,
    policyVersion: policyVersion(deps.config),
    doctorCheckedAt: stored?.checkedAt ?? null,
    promises: figures,
    allGreen: figures.every((figure) => figure.green),
  };
}

/**
 * Runs `treff doctor` on the tree at `root` (default `/`) and stores its findings for the
 * transparency page; deletes stored runs older than 30 days. Never throws for what it finds.
 */
export async function recordDoctorRun(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'log'>,
  options: { root?: string } = {},
): Promise<DoctorRun> {
  const now = deps.clock.now();
  const report = await diagnose(deps.config, { root: options.root ?? '/', now });
  const run: DoctorRun = {
    id: newId(),
    byRoot: process.getuid?.() === 0,
    checkedAt: now.toISOString(),
    root: report.root,
    errors: report.findings.filter((finding) => finding.severity === 'error').length,
    warnings: report.findings.filter((finding) => finding.severity === 'warning').length,
    findings: report.findings.map((finding) => ({
      promise: finding.promise,
      file: finding.file,
      setting: finding.setting,
      expected: finding.expected,
      actual: finding.actual,
      severity: finding.severity,
    })),
  };
  await insertDoctorRun(deps.db, run);
  await deleteDoctorRunsBefore(deps.db, new Date(now.getTime() - DOCTOR_HISTORY_MS).toISOString());
  deps.log.info(
    { event: 'transparency.doctor.ran', errors: run.errors, warnings: run.warnings },
    'doctor run stored',
  );
  return run;
}

/**
 * Schedules the doctor inside `treff serve` every {@link DOCTOR_INTERVAL_MS}, in one instance
 * at a time (advisory lock); skipped while a run as root (`treff transparency check` from the
 * sync) is younger than that interval. Returns a function that stops the timer.
 */
export function startDoctorScheduler(
  deps: Deps,
  options: { firstDelayMs?: number; root?: string } = {},
): () => void {
  return startScheduler(
    [
      {
        name: 'transparency-doctor',
        intervalMs: DOCTOR_INTERVAL_MS,
        run: async () => {
          await withJobLock(deps.db, deps.dialect, 'transparency-doctor', async () => {
            // A fresh run as root (the sync's) saw more than this process can: keep it newest.
            const last = await latestDoctorRun(deps.db);
            if (
              last?.byRoot &&
              process.getuid?.() !== 0 &&
              deps.clock.now().getTime() - new Date(last.checkedAt).getTime() < DOCTOR_INTERVAL_MS
            )
              return;
            await recordDoctorRun(deps, options.root ? { root: options.root } : {});
          });
        },
      },
    ],
    {
      log: deps.log,
      ...(options.firstDelayMs === undefined ? {} : { firstDelayMs: options.firstDelayMs }),
    },
  );
}
