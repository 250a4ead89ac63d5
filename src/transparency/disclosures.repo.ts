import type { Selectable } from 'kysely';
import type { Db } from '../core/db/database.ts';
import type { DisclosuresTable } from '../core/db/schema.ts';

/** A row of the register as stored. */
export type DisclosureRow = Selectable<DisclosuresTable>;

/** Inserts one request. Call inside the transaction that writes its audit entry. */
export async function insertDisclosure(db: Db, row: DisclosureRow): Promise<void> {
  await db.insertInto('disclosures').values(row).execute();
}

/**
 * Replaces the facts of one request (not its id or creation time). Returns false when there is
 * no such row.
 */
export async function updateDisclosureRow(
  db: Db,
  id: string,
  values: Omit<DisclosureRow, 'id' | 'created_at'>,
): Promise<boolean> {
  const result = await db
    .updateTable('disclosures')
    .set(values)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** One request, or undefined. */
export async function findDisclosure(db: Db, id: string): Promise<DisclosureRow | undefined> {
  return db.selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every request, newest received first. */
export async function listDisclosureRows(db: Db): Promise<DisclosureRow[]> {
  return db
    .selectFrom('disclosures')
    .selectAll()
    .orderBy('received_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** What the yearly figures need of every request: no legal basis, no dates but the day. */
export async function listDisclosureFacts(
  db: Db,
): Promise<
  Pick<
    DisclosureRow,
    'received_on' | 'authority_kind' | 'outcome' | 'formally_correct' | 'subject_informed_on'
  >[]
> {
  return db
    .selectFrom('disclosures')
    .select(['received_on', 'authority_kind', 'outcome', 'formally_correct', 'subject_informed_on'])
    .execute();
}

/** The ids of requests received before `date` (`YYYY-MM-DD`), at most `limit`. */
export async function disclosureIdsReceivedBefore(
  db: Db,
  date: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('disclosures')
    .select('id')
    .where('received_on', '<', date)
    .orderBy('received_on')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Deletes the given requests; returns how many went. */
export async function deleteDisclosures(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('disclosures').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The day the oldest kept request was received, or null when the register is empty. */
export async function oldestDisclosureReceivedOn(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('disclosures')
    .select((eb) => eb.fn.min('received_on').as('oldest'))
    .executeTakeFirst();
  return row?.oldest ?? null;
}
