import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../core/db/database.ts';
import type { RequestsTable } from '../core/db/schema.ts';
import { toNumber } from '../core/db/dialect.ts';
import type { LedgerRequest, RequestKind, RequestState } from './requests.types.ts';

/** The only place with SQL for `requests`, `request_confirmations`, `request_reminders`. */

function toRequest(row: Selectable<RequestsTable>): LedgerRequest {
  return {
    id: row.id,
    kind: row.kind as RequestKind,
    channel: row.channel,
    state: row.state as RequestState,
    lang: row.lang === 'en' ? 'en' : 'de',
    memberId: row.member_id,
    identity: row.identity as LedgerRequest['identity'],
    fingerprint: row.fingerprint,
    verifiedHow: row.verified_how,
    verifiedAt: row.verified_at,
    replyTo: row.reply_to,
    mailFile: row.mail_file,
    subject: row.subject,
    username: row.username,
    key: row.key_data,
    autoSubmitted: toNumber(row.auto_submitted) !== 0,
    receivedAt: row.received_at,
    dueOn: row.extended_due_on ?? row.due_on,
    originalDueOn: row.due_on,
    extendedDueOn: row.extended_due_on,
    extensionReason: row.extension_reason,
    pausedSince: row.paused_since,
    pausedDays: toNumber(row.paused_days),
    outcome: row.outcome,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Inserts a new ledger row. */
export async function insertRequest(db: Db, row: Insertable<RequestsTable>): Promise<void> {
  await db.insertInto('requests').values(row).execute();
}

/** One request, or undefined. */
export async function findRequest(db: Db, id: string): Promise<LedgerRequest | undefined> {
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

/** Updates a request's columns; true when the row existed in one of `fromStates`. */
export async function updateRequest(
  db: Db,
  id: string,
  fromStates: readonly RequestState[],
  changes: Updateable<RequestsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('requests')
    .set(changes)
    .where('id', '=', id)
    .where('state', 'in', [...fromStates])
    .executeTakeFirst();
  return toNumber(result.numUpdatedRows) > 0;
}

/** Requests in the given states (all when empty), oldest first. */
export async function listRequestRows(
  db: Db,
  states: readonly RequestState[],
): Promise<LedgerRequest[]> {
  let query = db.selectFrom('requests').selectAll();
  if (states.length > 0) query = query.where('state', 'in', [...states]);
  const rows = await query.orderBy('received_at').orderBy('id').execute();
  return rows.map(toRequest);
}

/** Stores the hash of a confirmation token. */
export async function insertConfirmation(
  db: Db,
  row: { id: string; requestId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('request_confirmations')
    .values({
      id: row.id,
      request_id: row.requestId,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
      used_at: null,
    })
    .execute();
}

/** The confirmation with this token hash, if unused and not expired at `now`. */
export async function findUsableConfirmation(
  db: Db,
  hash: string,
  now: string,
): Promise<{ id: string; requestId: string } | undefined> {
  const row = await db
    .selectFrom('request_confirmations')
    .select(['id', 'request_id'])
    .where('id', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { id: row.id, requestId: row.request_id } : undefined;
}

/** Marks a confirmation used; false when another request used it first. */
export async function useConfirmation(db: Db, hash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('request_confirmations')
    .set({ used_at: now })
    .where('id', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return toNumber(result.numUpdatedRows) > 0;
}

/** The reminders (days before due) already sent for a request. */
export async function remindersSent(db: Db, requestId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('request_reminders')
    .select('days_before')
    .where('request_id', '=', requestId)
    .execute();
  return rows.map((row) => toNumber(row.days_before));
}

/** Records a sent reminder; false when it was already recorded (another instance sent it). */
export async function insertReminder(
  db: Db,
  requestId: string,
  daysBefore: number,
  sentAt: string,
): Promise<boolean> {
  const rows = await db
    .insertInto('request_reminders')
    .values({ request_id: requestId, days_before: daysBefore, sent_at: sentAt })
    .onConflict((oc) => oc.doNothing())
    .returning('request_id')
    .execute();
  return rows.length > 0;
}

/**
 * Deletes the ledger rows of requests closed before `before` (their confirmations and reminders
 * go by cascade); in a dry run only counts. Returns how many, and when the oldest kept closed.
 */
export async function deleteRequestsClosedBefore(
  db: Db,
  before: string,
  dryRun: boolean,
): Promise<{ removed: number; oldestKept: string | null }> {
  const due = db
    .selectFrom('requests')
    .where('closed_at', 'is not', null)
    .where('closed_at', '<', before);
  const { count } = await due
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow();
  if (!dryRun && toNumber(count) > 0) {
    await db
      .deleteFrom('requests')
      .where('closed_at', 'is not', null)
      .where('closed_at', '<', before)
      .execute();
  }
  const kept = await db
    .selectFrom('requests')
    .select((eb) => eb.fn.min<string | null>('closed_at').as('oldest'))
    .where('closed_at', 'is not', null)
    .where('closed_at', '>=', dryRun ? before : '')
    .executeTakeFirst();
  return { removed: toNumber(count), oldestKept: kept?.oldest ?? null };
}

/** Closed requests that still name a raw mail file (its deletion at closing failed). */
export async function closedRequestsWithMail(db: Db): Promise<{ id: string; mailFile: string }[]> {
  const rows = await db
    .selectFrom('requests')
    .select(['id', 'mail_file'])
    .where('closed_at', 'is not', null)
    .where('mail_file', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.mail_file ? [{ id: row.id, mailFile: row.mail_file }] : []));
}

/** Forgets the raw mail file of a request (after the file is gone). */
export async function clearMailFile(db: Db, id: string): Promise<void> {
  await db.updateTable('requests').set({ mail_file: null }).where('id', '=', id).execute();
}
