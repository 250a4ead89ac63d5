import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import type { MailRunsTable } from '../db/schema.ts';

/** The only place with SQL for `mail_runs` (migration 0020). */

export type MailRunRow = MailRunsTable;

/**
 * Records a running run of `subject`. False when one is running already (the unique `active`
 * column holds the subject while a run runs): the caller joins that one.
 */
export async function insertMailRun(
  db: Db,
  row: Pick<MailRunRow, 'id' | 'subject' | 'started_by' | 'started_at'>,
): Promise<boolean> {
  try {
    await db
      .insertInto('mail_runs')
      .values({
        ...row,
        active: row.subject,
        state: 'running',
        heartbeat_at: row.started_at,
        finished_at: null,
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** The run of `subject` that is running now, if any. */
export async function findActiveMailRun(db: Db, subject: string): Promise<MailRunRow | undefined> {
  return db.selectFrom('mail_runs').selectAll().where('active', '=', subject).executeTakeFirst();
}

/** The newest run of `subject`, running or not. */
export async function findLatestMailRun(db: Db, subject: string): Promise<MailRunRow | undefined> {
  return db
    .selectFrom('mail_runs')
    .selectAll()
    .where('subject', '=', subject)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Marks a running run as abandoned when its heartbeat is still `heartbeatAt` (nobody took it
 * over or beat in between). True when this call did it.
 */
export async function abandonMailRun(db: Db, id: string, heartbeatAt: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_runs')
    .set({ state: 'abandoned', active: null })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('heartbeat_at', '=', heartbeatAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function beatMailRun(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('mail_runs')
    .set({ heartbeat_at: at })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .execute();
}

export async function finishMailRun(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('mail_runs')
    .set({ state: 'done', active: null, heartbeat_at: at, finished_at: at })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .execute();
}

/**
 * Deletes the runs that ended before `before` (done or abandoned): a run only serves its
 * progress page, and names the board user who started it. Returns how many went.
 */
export async function deleteEndedMailRunsBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('mail_runs')
    .where('state', '!=', 'running')
    .where('heartbeat_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
