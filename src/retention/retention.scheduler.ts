import { withJobLock } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { formatDuration, type Lang } from '../core/i18n/index.ts';
import { parseDuration } from '../core/duration.ts';
import { startScheduler } from '../core/jobs.ts';
import { compileRetention, jobsInScope, type JobScope } from './rules.ts';
import { releasePages, runJob, type RuleStatus } from './retention.service.ts';

/**
 * Schedules the retention jobs of `scope` (default all; see `JobScope`) inside `treff serve`,
 * each at its interval and, with several instances on one PostgreSQL database, in only one of
 * them at a time (advisory lock); and, hourly, the release of deleted rows' pages
 * (`releasePages`).
 * Returns a function that stops the timers.
 */
export function startRetentionScheduler(
  deps: Deps,
  options: { firstDelayMs?: number; scope?: JobScope } = {},
): () => void {
  const compiled = compileRetention(deps.config);
  const jobs = jobsInScope(compiled.jobs, options.scope ?? 'all', deps.config.paths.dataDir);
  return startScheduler(
    [
      ...jobs.map((job) => ({
        name: job.name,
        intervalMs: job.intervalMs,
        run: async () => {
          await withJobLock(deps.db, deps.dialect, job.name, async () => {
            await runJob(deps, job, { dryRun: false });
          });
        },
      })),
      {
        // Deletions outside the retention jobs (an admin deletes an account, a member removes
        // their key) leave old page images in the WAL and dead tuples: released hourly.
        name: 'database.release',
        intervalMs: 3_600_000,
        run: async () => {
          await withJobLock(deps.db, deps.dialect, 'database.release', () => releasePages(deps));
        },
      },
    ],
    {
      log: deps.log,
      ...(options.firstDelayMs === undefined ? {} : { firstDelayMs: options.firstDelayMs }),
    },
  );
}

function days(ms: number): string {
  return ms >= 86_400_000
    ? `${(ms / 86_400_000).toFixed(1)} d`
    : `${(ms / 3_600_000).toFixed(1)} h`;
}

/** One line of `treff retention status`. */
export function formatStatusLine(row: RuleStatus, lang: Lang): string {
  const mark = row.state === 'ok' ? '✓' : '✗';
  const keep = row.rule.keep ? parseDuration(row.rule.keep) : null;
  const period = keep
    ? Object.values(keep).every((value) => value === 0)
      ? 'at once'
      : formatDuration(keep, lang)
    : row.rule.keepCount !== undefined
      ? `last ${row.rule.keepCount}`
      : 'until request';
  if (row.kind === 'elsewhere')
    return `${mark} ${row.name} (${period}): kept by ${row.keptBy ?? 'others'}`;
  const last = row.lastRun ? `last run ${row.lastRun.startedAt}` : 'never run';
  const oldest =
    row.oldestAgeMs === null
      ? 'nothing kept'
      : `oldest kept ${days(Math.max(0, row.oldestAgeMs))}${row.limitMs === null ? '' : ` of ${days(row.limitMs)}`}`;
  return `${mark} ${row.name} (${period}): ${row.state}, ${last}, removed ${row.removedTotal}, ${oldest}${row.lastRun?.message ? ` — ${row.lastRun.message}` : ''}`;
}
