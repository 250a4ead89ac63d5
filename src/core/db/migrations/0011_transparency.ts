import type { Kysely } from 'kysely';

/**
 * The stored results of the scheduled `treff doctor` run (transparency module): one row per
 * run with its counts and findings (settings and file names, never personal data), so the
 * public transparency page reads the last verdict instead of running the doctor per request.
 * And the policy's input with each published version, so the public version history can say
 * what changed between editions (null for versions published before this migration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('doctor_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('warnings', 'integer', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    // 1 when run as root (the sync's `treff transparency check`), which sees every file.
    .addColumn('by_root', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('doctor_runs_checked_at')
    .on('doctor_runs')
    .column('checked_at')
    .execute();
  // How many items a store kept after a retention run, where that is countable (files).
  await db.schema.alterTable('retention_runs').addColumn('kept', 'integer').execute();
  // The latest real run of a job in one index look-up (the public page asks on every view).
  await db.schema
    .createIndex('retention_runs_latest')
    .on('retention_runs')
    .columns(['job', 'dry_run', 'started_at'])
    .execute();
  await db.schema.alterTable('policy_versions').addColumn('input', 'text').execute();
}
