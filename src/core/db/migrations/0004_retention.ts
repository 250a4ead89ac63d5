import type { Kysely } from 'kysely';

/**
 * The proof of the retention engine: one row per job run (when, how many items it removed, the
 * age of the oldest item it kept), counts only, never contents. Also marks how far the staged
 * erasure of a former member has gone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addColumn('oldest_kept_at', 'text')
    .addColumn('message', 'text')
    .execute();
  await db.schema
    .createIndex('retention_runs_job')
    .on('retention_runs')
    .columns(['job', 'started_at'])
    .execute();

  // Stage 1 of the erasure of a former member (contact data gone, the rest restricted) is done;
  // stage 2 deletes the row, so no column is needed for it.
  await db.schema.alterTable('members').addColumn('erased_at', 'text').execute();
}
