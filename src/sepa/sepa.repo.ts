import type { Selectable } from 'kysely';
import type { Db } from '../core/db/database.ts';
import type {
  SepaCollectionItemsTable,
  SepaCollectionsTable,
  SepaMandatesTable,
} from '../core/db/schema.ts';

/**
 * SQL of SEPA direct debit: mandates, collection runs and their items. Reads the member table
 * only for the dates and contact fields a collection needs (join, exit, email, name).
 */

export type MandateRow = Selectable<SepaMandatesTable>;
export type CollectionRow = Selectable<SepaCollectionsTable>;
export type CollectionItemRow = Selectable<SepaCollectionItemsTable>;

/** A mandate with what a collection needs of its member. */
export interface MandateWithMember extends MandateRow {
  member_number: string;
  first_name: string;
  last_name: string;
  email: string | null;
  left_on: string | null;
}

export async function insertMandate(db: Db, row: MandateRow): Promise<void> {
  await db.insertInto('sepa_mandates').values(row).execute();
}

export async function findMandate(db: Db, id: string): Promise<MandateRow | undefined> {
  return db.selectFrom('sepa_mandates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function referenceTaken(db: Db, reference: string): Promise<boolean> {
  const row = await db
    .selectFrom('sepa_mandates')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every mandate with its member's number, name, address and exit date, by member number. */
export async function listMandatesWithMembers(db: Db): Promise<MandateWithMember[]> {
  return db
    .selectFrom('sepa_mandates')
    .innerJoin('members', 'members.id', 'sepa_mandates.member_id')
    .selectAll('sepa_mandates')
    .select([
      'members.member_number',
      'members.first_name',
      'members.last_name',
      'members.email',
      'members.left_on',
    ])
    .orderBy('members.sort_key')
    .orderBy('sepa_mandates.created_at')
    .execute();
}

/** Mandates whose member row is gone (erased), for the retention sweep. */
export async function listOrphanMandateIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('sepa_mandates')
    .leftJoin('members', 'members.id', 'sepa_mandates.member_id')
    .select('sepa_mandates.id')
    .where('members.id', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}

export async function listMandatesOf(db: Db, memberId: string): Promise<MandateRow[]> {
  return db
    .selectFrom('sepa_mandates')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .execute();
}

export async function revokeMandateRow(
  db: Db,
  id: string,
  revokedOn: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sepa_mandates')
    .set({ revoked_on: revokedOn, updated_at: at })
    .where('id', '=', id)
    .where('revoked_on', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** After a collection file: the mandate was used on `dueOn`, so it continues as RCUR. */
export async function markMandatesCollected(
  db: Db,
  ids: readonly string[],
  dueOn: string,
  at: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('sepa_mandates')
    .set({ sequence: 'RCUR', last_collected_on: dueOn, updated_at: at })
    .where('id', 'in', [...ids])
    .execute();
}

/** Deletes mandates with their collection items; returns how many mandates went. */
export async function deleteMandates(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  await db
    .deleteFrom('sepa_collection_items')
    .where('mandate_id', 'in', [...ids])
    .execute();
  const result = await db
    .deleteFrom('sepa_mandates')
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  // Runs that lost their last item are empty shells: they go too.
  await db
    .deleteFrom('sepa_collections')
    .where('id', 'not in', db.selectFrom('sepa_collection_items').select('collection_id'))
    .execute();
  return Number(result.numDeletedRows);
}

export async function insertCollection(
  db: Db,
  row: CollectionRow,
  items: readonly CollectionItemRow[],
): Promise<void> {
  await db.insertInto('sepa_collections').values(row).execute();
  if (items.length > 0)
    await db
      .insertInto('sepa_collection_items')
      .values([...items])
      .execute();
}

/**
 * The members with a debit in a collection due on or after `from` (not yet collected): a second
 * collection of the same arrears would debit them twice.
 */
export async function membersInCollectionsDueFrom(db: Db, from: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('sepa_collection_items')
    .innerJoin('sepa_collections', 'sepa_collections.id', 'sepa_collection_items.collection_id')
    .select('sepa_collection_items.member_id')
    .where('sepa_collections.due_on', '>=', from)
    .execute();
  return new Set(rows.map((row) => row.member_id));
}

export async function findCollection(db: Db, id: string): Promise<CollectionRow | undefined> {
  return db.selectFrom('sepa_collections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCollections(db: Db): Promise<CollectionRow[]> {
  return db.selectFrom('sepa_collections').selectAll().orderBy('due_on', 'desc').execute();
}

export async function listItemsOf(db: Db, collectionId: string): Promise<CollectionItemRow[]> {
  return db
    .selectFrom('sepa_collection_items')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .orderBy('end_to_end_id')
    .execute();
}

export async function listItemsOfMember(
  db: Db,
  memberId: string,
): Promise<(CollectionItemRow & { due_on: string })[]> {
  return db
    .selectFrom('sepa_collection_items')
    .innerJoin('sepa_collections', 'sepa_collections.id', 'sepa_collection_items.collection_id')
    .selectAll('sepa_collection_items')
    .select('sepa_collections.due_on')
    .where('sepa_collection_items.member_id', '=', memberId)
    .orderBy('sepa_collections.due_on')
    .execute();
}

/**
 * Claims a debit's pre-notification before its mail goes: `pending` or `failed` becomes
 * `sending`, and so does a `sending` older than `staleBefore` (its run died before it recorded
 * the outcome). One statement: PostgreSQL re-checks the condition on the locked row, SQLite
 * runs writers one at a time, so of two runs only one sees its update count 1. False: the
 * member was told already, has no address, or another run mails them now.
 */
export async function claimItemNotice(
  db: Db,
  key: { collectionId: string; mandateId: string },
  at: string,
  staleBefore: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sepa_collection_items')
    .set({ notice: 'sending', noticed_at: at })
    .where('collection_id', '=', key.collectionId)
    .where('mandate_id', '=', key.mandateId)
    .where((eb) =>
      eb.or([
        eb('notice', 'in', ['pending', 'failed']),
        eb.and([eb('notice', '=', 'sending'), eb('noticed_at', '<', staleBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records the outcome of a claimed pre-notification. */
export async function settleItemNotice(
  db: Db,
  key: { collectionId: string; mandateId: string },
  notice: 'sent' | 'queued' | 'failed' | 'noAddress',
  at: string,
): Promise<void> {
  await db
    .updateTable('sepa_collection_items')
    .set({ notice, noticed_at: at })
    .where('collection_id', '=', key.collectionId)
    .where('mandate_id', '=', key.mandateId)
    .where('notice', '=', 'sending')
    .execute();
}

export async function markCollectionExported(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('sepa_collections')
    .set({ exported_at: at })
    .where('id', '=', id)
    .where('exported_at', 'is', null)
    .execute();
}
