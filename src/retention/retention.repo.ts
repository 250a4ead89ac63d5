import type { Db } from '../core/db/database.ts';
import type { RetentionRunsTable } from '../core/db/schema.ts';

/** One recorded job run (the proof). */
export interface RetentionRun {
  job: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  status: RetentionRunsTable['status'];
  removed: number;
  oldestKeptAt: string | null;
  message: string | null;
  /** Items the store kept after the run, where countable; null otherwise. */
  kept: number | null;
}

function toRun(row: RetentionRunsTable): RetentionRun {
  return {
    job: row.job,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    dryRun: row.dry_run === 1,
    status: row.status,
    removed: row.removed,
    oldestKeptAt: row.oldest_kept_at,
    message: row.message,
    kept: row.kept ?? null,
  };
}

export async function insertRun(db: Db, id: string, run: RetentionRun): Promise<void> {
  await db
    .insertInto('retention_runs')
    .values({
      id,
      job: run.job,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      dry_run: run.dryRun ? 1 : 0,
      status: run.status,
      removed: run.removed,
      oldest_kept_at: run.oldestKeptAt,
      message: run.message,
      kept: run.kept,
    })
    .execute();
}

/**
 * The latest real (not dry) run of each job named. One indexed look-up per job (index
 * `retention_runs_latest`, migration 0011), so the public transparency page stays fast with a
 * year of hourly runs recorded.
 */
export async function latestRuns(
  db: Db,
  jobs: readonly string[],
): Promise<Map<string, RetentionRun>> {
  const rows = await Promise.all(
    jobs.map((job) =>
      db
        .selectFrom('retention_runs')
        .selectAll()
        .where('job', '=', job)
        .where('dry_run', '=', 0)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ),
  );
  const latest = new Map<string, RetentionRun>();
  for (const row of rows) if (row) latest.set(row.job, toRun(row));
  return latest;
}

/** How many items each job removed in all its real runs. */
export async function removedTotals(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('retention_runs')
    .select(['job', (eb) => eb.fn.sum<string | number>('removed').as('total')])
    .where('dry_run', '=', 0)
    .groupBy('job')
    .execute();
  return new Map(rows.map((row) => [row.job, Number(row.total)]));
}

/** Deletes run records older than `before` (the proof is kept for a year; see the job). */
export async function deleteRunsBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('retention_runs')
    .where('started_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
