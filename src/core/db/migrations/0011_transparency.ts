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
    .execute();
  await db.schema
    .createIndex('doctor_runs_checked_at')
    .on('doctor_runs')
    .column('checked_at')
    .execute();
  // How many items a store kept after a retention run, where that is countable (files).
  await db.schema.alterTable('retention_runs').addColumn('kept', 'integer').execute();
  await db.schema.alterTable('policy_versions').addColumn('input', 'text').execute();
}
