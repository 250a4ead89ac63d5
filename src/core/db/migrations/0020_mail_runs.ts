import type { Kysely } from 'kysely';

/**
 * Runs of mass mailings that are sent after the HTTP answer (assembly invitations, SEPA
 * pre-notifications), so the board sees a progress page and a reload or a second POST joins the
 * run instead of starting another. `subject` names what is sent (`assembly:<id>`,
 * `sepa:<collection id>`); `active` holds the subject while the run is running and is null
 * after, and its uniqueness lets only one run per subject run at a time, across instances.
 * `heartbeat_at` moves after every mail: a running run whose heartbeat is old belongs to a
 * process that died, and the next start takes over. The run keeps no personal data: who was
 * mailed stays in the module's own records (assembly_deliveries, sepa_collection_items), which
 * every mail claims there before it goes. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('active', 'text', (c) => c.unique())
    // 'running' | 'done' | 'abandoned'
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('mail_runs_subject')
    .on('mail_runs')
    .columns(['subject', 'started_at'])
    .execute();
}
