import type { Kysely } from 'kysely';

/**
 * Payment reminders (the `payment-reminders` activity): each run the board approved, keyed by
 * the approval's idempotency key so a reloaded or doubled approval starts nothing twice, and
 * one row per reminder mailed, unique per member, stage and claim (the oldest unpaid due), so
 * no stage is ever sent twice for the same claim, not even by two approvals at once. Never edit
 * after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reminder_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('reminder_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    // The due date of the oldest unpaid due when the reminder went out: it names the claim.
    .addColumn('claim_due_on', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull().references('reminder_runs.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('reminder_sends_once', ['member_id', 'stage', 'claim_due_on'])
    .execute();
  await db.schema
    .createIndex('reminder_sends_created')
    .on('reminder_sends')
    .column('created_at')
    .execute();
}
