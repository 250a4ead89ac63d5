import { SYSTEM_ACTOR, type Actor } from '../core/audit/index.ts';
import { releaseErasedPages } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { addDuration } from '../core/duration.ts';
import { NotFoundError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import {
  deleteRunsBefore,
  insertRun,
  latestRuns,
  removedTotals,
  type RetentionRun,
} from './retention.repo.ts';
import { deleteEndedMailRunsBefore, MAIL_RUN_KEEP_DAYS } from '../core/mail/runs.ts';
import { deleteEndedImportRunsBefore, IMPORT_RUN_KEEP_DAYS } from '../members/index.ts';
import {
  compileRetention,
  jobsInScope,
  type CompiledRetention,
  type JobResult,
  type JobScope,
  type RetentionJob,
  type StatusOnly,
} from './rules.ts';
import type { PruneHooks } from './filelog.ts';

/** One job's outcome in a run of the engine. */
export interface JobOutcome extends JobResult {
  job: string;
  status: 'ok' | 'error';
  message: string | null;
}

/** Proof records are kept for 400 days: a year of history plus slack. */
const RUN_HISTORY_DAYS = 400;

/**
 * Runs the retention jobs (all, or the one named) and records each run with its counts. A
 * failing job is recorded as failed and does not stop the others; its message names the job and
 * the error, never data. Dry runs count what would go and are recorded as dry runs. A real run
 * ends by releasing the pages of deleted rows (`releaseErasedPages`).
 * @throws NotFoundError `retention_job_not_found` for an unknown name.
 */
export async function runRetention(
  deps: Deps,
  options: {
    only?: string | undefined;
    dryRun: boolean;
    root?: string;
    actor?: Actor;
    hooks?: PruneHooks;
    compiled?: CompiledRetention;
    /** Which jobs (default all); a job named with `only` runs whatever its scope. */
    scope?: JobScope;
  },
): Promise<JobOutcome[]> {
  const compiled = compileRetention(deps.config);
  const jobs = options.only
    ? compiled.jobs.filter((job) => job.name === options.only)
    : jobsInScope(compiled.jobs, options.scope ?? 'all', deps.config.paths.dataDir);
  if (options.only && jobs.length === 0) {
    throw new NotFoundError(
      'retention_job_not_found',
      `No retention job ${options.only}; treff retention status lists them.`,
    );
  }
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) outcomes.push(await runJob(deps, job, { ...options, release: false }));
  if (!options.dryRun) {
    await deleteRunsBefore(
      deps.db,
      new Date(deps.clock.now().getTime() - RUN_HISTORY_DAYS * 86_400_000).toISOString(),
    );
    // The mass mailings' runs (core/mail/runs.ts): kept for their progress page, then gone.
    await deleteEndedMailRunsBefore(
      deps.db,
      new Date(deps.clock.now().getTime() - MAIL_RUN_KEEP_DAYS * 86_400_000).toISOString(),
    );
    // The web bank imports' runs (members/import-runs.ts): counts for the progress page only.
    await deleteEndedImportRunsBefore(
      deps.db,
      new Date(deps.clock.now().getTime() - IMPORT_RUN_KEEP_DAYS * 86_400_000).toISOString(),
    );
    // Erased rows must not stay readable in the WAL or in dead tuples (issue 11 §3). Every real
    // run does it, not only one that removed something: an account deleted by an admin between
    // runs is cleaned up by the next one. A run of file jobs alone leaves it to the next run and
    // to the scheduler's hourly release (a checkpoint per pruned log was a third of its time).
    if (jobs.some((job) => !job.filesOnly)) await releasePages(deps);
  }
  return outcomes;
}

/**
 * Releases the pages of deleted rows (`releaseErasedPages`); logs when SQLite could not truncate
 * the WAL because another connection was reading.
 */
export async function releasePages(deps: Pick<Deps, 'db' | 'dialect' | 'log'>): Promise<void> {
  if (!(await releaseErasedPages(deps.db, deps.dialect)))
    deps.log.warn(
      { event: 'retention.wal.busy' },
      'the WAL could not be truncated (another connection reads); the next run tries again',
    );
}

/**
 * Runs one job and records the run. A real run that removed something then releases the pages
 * of the deleted rows, unless `release` is false (the caller does it once for several jobs).
 */
export async function runJob(
  deps: Deps,
  job: RetentionJob,
  options: {
    dryRun: boolean;
    root?: string;
    actor?: Actor;
    hooks?: PruneHooks;
    release?: boolean;
  },
): Promise<JobOutcome> {
  const startedAt = deps.clock.now().toISOString();
  let outcome: JobOutcome;
  try {
    const result = await job.run({
      deps,
      actor: options.actor ?? SYSTEM_ACTOR,
      dryRun: options.dryRun,
      root: options.root ?? '/',
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
    outcome = { job: job.name, status: 'ok', message: result.note ?? null, ...result };
  } catch (error) {
    const message = `${job.name} failed: ${error instanceof Error ? error.message : 'unknown error'}`;
    deps.log.error({ event: 'retention.job.failed', job: job.name }, message);
    outcome = { job: job.name, status: 'error', removed: 0, oldestKeptAt: null, message };
  }
  await insertRun(deps.db, newId(), {
    job: job.name,
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
    dryRun: options.dryRun,
    status: outcome.status === 'ok' && outcome.compliant === false ? 'error' : outcome.status,
    removed: outcome.removed,
    oldestKeptAt: outcome.oldestKeptAt,
    message: outcome.message?.slice(0, 500) ?? null,
    kept: outcome.kept ?? null,
  });
  deps.log.info(
    { event: 'retention.job.ran', job: job.name, removed: outcome.removed, dryRun: options.dryRun },
    'retention job',
  );
  if (!options.dryRun && options.release !== false && outcome.removed > 0 && !job.filesOnly)
    await releasePages(deps);
  return outcome;
}

/** The state of one rule on the proof page. */
export type RuleState = 'ok' | 'over' | 'late' | 'never' | 'error';

/** One row of `treff retention status` and of the admin page. */
export interface RuleStatus {
  name: string;
  activityId: string;
  activityTitle: { de: string; en: string };
  rule: RetentionJob['rule'];
  kind: 'delete' | 'check' | 'elsewhere';
  keptBy?: StatusOnly['keptBy'];
  lastRun: RetentionRun | null;
  removedTotal: number;
  /** Age of the oldest kept item in ms, and the declared limit in ms (null: not measured). */
  oldestAgeMs: number | null;
  limitMs: number | null;
  state: RuleState;
}

/**
 * The proof: for every rule its declared period, the last run, how many items it removed in
 * total, and the age of the oldest item still kept against its limit. `over` when that item is
 * older than the period allows (beyond two job intervals of slack), `late` when the job has not
 * run for two intervals, `error` when its last run failed or a check found the store keeps too
 * long, `never` before the first run. `totals: false` skips the removed totals (all 0).
 */
export async function retentionStatus(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  options: { totals?: boolean } = {},
): Promise<RuleStatus[]> {
  const compiled = compileRetention(deps.config);
  // The totals sum every recorded run; the public transparency page does without them.
  const [latest, totals] = await Promise.all([
    latestRuns(
      deps.db,
      compiled.jobs.map((job) => job.name),
    ),
    options.totals === false ? new Map<string, number>() : removedTotals(deps.db),
  ]);
  const now = deps.clock.now().getTime();
  const rows: RuleStatus[] = compiled.jobs.map((job) => {
    const lastRun = latest.get(job.name) ?? null;
    const start = lastRun?.oldestKeptAt
      ? new Date(
          lastRun.oldestKeptAt.length === 10
            ? `${lastRun.oldestKeptAt}T00:00:00Z`
            : lastRun.oldestKeptAt,
        )
      : null;
    const deadline = start && job.period ? addDuration(start, job.period).getTime() : null;
    const limitMs = start && deadline !== null ? deadline - start.getTime() : null;
    const oldestAgeMs = start ? now - start.getTime() : null;
    let state: RuleState = 'ok';
    if (!lastRun) state = 'never';
    else if (lastRun.status === 'error') state = 'error';
    else if (deadline !== null && deadline + 2 * job.intervalMs < now) state = 'over';
    else if (now - new Date(lastRun.startedAt).getTime() > 2 * job.intervalMs + 60_000)
      state = 'late';
    return {
      name: job.name,
      activityId: job.activity.id,
      activityTitle: job.activity.title,
      rule: job.rule,
      kind: job.kind,
      lastRun,
      removedTotal: totals.get(job.name) ?? 0,
      oldestAgeMs,
      limitMs,
      state,
    };
  });
  for (const entry of compiled.statusOnly) {
    rows.push({
      name: entry.name,
      activityId: entry.activity.id,
      activityTitle: entry.activity.title,
      rule: entry.rule,
      kind: 'elsewhere',
      keptBy: entry.keptBy,
      lastRun: null,
      removedTotal: 0,
      oldestAgeMs: null,
      limitMs: null,
      state: 'ok',
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}
