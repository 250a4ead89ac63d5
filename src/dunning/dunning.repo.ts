import type { Db } from '../core/db/database.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { ReminderRunsTable, ReminderSendsTable } from '../core/db/schema.ts';

/** The only place with SQL for `reminder_runs` and `reminder_sends` (migration 0014). */

export type ReminderRun = ReminderRunsTable;
export type ReminderSend = ReminderSendsTable;

/**
 * Records a run under its idempotency key. False when a run with that key exists already (the
 * approval was posted twice, or the page reloaded): the caller shows that run instead.
 */
export async function insertRun(
  db: Db,
  run: Pick<ReminderRun, 'id' | 'total' | 'approved_by' | 'approved_at'>,
): Promise<boolean> {
  try {
    await db
      .insertInto('reminder_runs')
      .values({ ...run, state: 'running', sent: 0, skipped: 0, failed: 0, finished_at: null })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findRun(db: Db, id: string): Promise<ReminderRun | undefined> {
  return db.selectFrom('reminder_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds one to a run's counter. */
export async function countInRun(
  db: Db,
  id: string,
  counter: 'sent' | 'skipped' | 'failed',
): Promise<void> {
  await db
    .updateTable('reminder_runs')
    .set((eb) => ({ [counter]: eb(counter, '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function finishRun(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('reminder_runs')
    .set({ state: 'done', finished_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * Claims the reminder of a stage for a member's claim before its mail goes: the unique key
 * (member, stage, claim) lets exactly one caller win, also across instances and concurrent
 * approvals. A reminder whose mail failed may be claimed again. False: someone has it.
 */
export async function claimSend(
  db: Db,
  row: Omit<ReminderSend, 'status' | 'sent_at' | 'encrypted'>,
): Promise<boolean> {
  try {
    await db
      .insertInto('reminder_sends')
      .values({ ...row, status: 'sending', encrypted: 0, sent_at: null })
      .execute();
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const retried = await db
    .updateTable('reminder_sends')
    .set({ status: 'sending', run_id: row.run_id, created_at: row.created_at, id: row.id })
    .where('member_id', '=', row.member_id)
    .where('stage', '=', row.stage)
    .where('claim_due_on', '=', row.claim_due_on)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(retried.numUpdatedRows) === 1;
}

export async function settleSend(
  db: Db,
  id: string,
  outcome: { status: 'sent' | 'failed'; at: string; encrypted: boolean },
): Promise<void> {
  await db
    .updateTable('reminder_sends')
    .set({
      status: outcome.status,
      sent_at: outcome.status === 'sent' ? outcome.at : null,
      encrypted: outcome.encrypted ? 1 : 0,
    })
    .where('id', '=', id)
    .execute();
}

/** Every reminder sent or being sent (not the failed ones), for planning. */
export async function listActiveSends(db: Db): Promise<ReminderSend[]> {
  return db
    .selectFrom('reminder_sends')
    .selectAll()
    .where('status', '!=', 'failed')
    .orderBy('created_at')
    .execute();
}

/** A member's reminders, oldest first (Art. 15 report, member page). */
export async function listSendsOfMember(db: Db, memberId: string): Promise<ReminderSend[]> {
  return db
    .selectFrom('reminder_sends')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .execute();
}

/** Deletes reminder records created before `before` (retention); counts, never contents. */
export async function deleteSendsBefore(
  db: Db,
  before: string,
  dryRun: boolean,
): Promise<{ removed: number; oldestKept: string | null }> {
  const expired = await db
    .selectFrom('reminder_sends')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('created_at', '<', before)
    .executeTakeFirstOrThrow();
  if (!dryRun) await db.deleteFrom('reminder_sends').where('created_at', '<', before).execute();
  const oldest = await db
    .selectFrom('reminder_sends')
    .select('created_at')
    .where('created_at', '>=', dryRun ? before : '')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return { removed: Number(expired.n), oldestKept: oldest?.created_at ?? null };
}
