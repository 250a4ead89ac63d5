import type { Kysely } from 'kysely';

/**
 * Bank imports booked from the web (issue 16): one row per confirmed preview, keyed by the
 * preview's confirmation token, so a reloaded or doubled confirmation starts no second
 * booking. Counts only (no names, amounts or references; who confirmed is in the audit log);
 * a run's row goes a day after it ended. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addColumn('matched', 'integer')
    .addColumn('unmatched', 'integer')
    .addColumn('duplicates', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_runs').execute();
}
