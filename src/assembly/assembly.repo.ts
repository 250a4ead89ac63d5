import type { Selectable } from 'kysely';
import type { Db } from '../core/db/database.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { AssembliesTable, AssemblyDeliveriesTable } from '../core/db/schema.ts';

/**
 * SQL of the assembly invitations. Reads the member table for who is active on a day and how
 * to reach them (email, else the postal address for a letter).
 */

export type AssemblyRow = Selectable<AssembliesTable>;
export type DeliveryRow = Selectable<AssemblyDeliveriesTable>;

/** A member as an invitation needs them. */
export interface Invitee {
  id: string;
  member_number: string;
  first_name: string;
  last_name: string;
  email: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
}

export async function insertAssembly(db: Db, row: AssemblyRow): Promise<void> {
  await db.insertInto('assemblies').values(row).execute();
}

export async function findAssembly(db: Db, id: string): Promise<AssemblyRow | undefined> {
  return db.selectFrom('assemblies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAssemblies(db: Db): Promise<AssemblyRow[]> {
  return db.selectFrom('assemblies').selectAll().orderBy('starts_at', 'desc').execute();
}

/** Members on `date`: joined by then, not left, not erased; by member number order. */
export async function listActiveMembers(db: Db, date: string): Promise<Invitee[]> {
  return db
    .selectFrom('members')
    .select([
      'id',
      'member_number',
      'first_name',
      'last_name',
      'email',
      'street',
      'postcode',
      'city',
    ])
    .where('joined_on', '<=', date)
    .where((eb) => eb.or([eb('left_on', 'is', null), eb('left_on', '>', date)]))
    .where('erased_at', 'is', null)
    .orderBy('sort_key')
    .execute();
}

export async function listDeliveries(db: Db, assemblyId: string): Promise<DeliveryRow[]> {
  return db
    .selectFrom('assembly_deliveries')
    .selectAll()
    .where('assembly_id', '=', assemblyId)
    .execute();
}

/**
 * Claims one member's invitation before it goes: writes their delivery record as `sending`.
 * The primary key (assembly, member) lets exactly one caller win, also across concurrent runs
 * and instances. A failed delivery may be claimed again, and so may a claim older than
 * `staleBefore` (its run died before it recorded the outcome). False: the member was reached
 * already, or someone else is sending to them now.
 */
export async function claimDelivery(
  db: Db,
  row: Pick<DeliveryRow, 'assembly_id' | 'member_id' | 'channel' | 'address' | 'at'>,
  staleBefore: string,
): Promise<boolean> {
  try {
    await db
      .insertInto('assembly_deliveries')
      .values({ ...row, status: 'sending', error: null })
      .execute();
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  // One statement: PostgreSQL re-checks the condition on the locked row, SQLite runs writers
  // one at a time, so of two callers only one sees its update count 1.
  const retried = await db
    .updateTable('assembly_deliveries')
    .set({ status: 'sending', channel: row.channel, address: row.address, at: row.at, error: null })
    .where('assembly_id', '=', row.assembly_id)
    .where('member_id', '=', row.member_id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', '=', 'sending'), eb('at', '<', staleBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(retried.numUpdatedRows) === 1;
}

/** Records the outcome of a claimed delivery. */
export async function settleDelivery(
  db: Db,
  key: { assembly_id: string; member_id: string },
  outcome: Pick<DeliveryRow, 'status' | 'error' | 'at'>,
): Promise<void> {
  await db
    .updateTable('assembly_deliveries')
    .set(outcome)
    .where('assembly_id', '=', key.assembly_id)
    .where('member_id', '=', key.member_id)
    .where('status', '=', 'sending')
    .execute();
}

export async function listDeliveriesOfMember(
  db: Db,
  memberId: string,
): Promise<(DeliveryRow & { title: string; starts_at: string })[]> {
  return db
    .selectFrom('assembly_deliveries')
    .innerJoin('assemblies', 'assemblies.id', 'assembly_deliveries.assembly_id')
    .selectAll('assembly_deliveries')
    .select(['assemblies.title', 'assemblies.starts_at'])
    .where('assembly_deliveries.member_id', '=', memberId)
    .orderBy('assemblies.starts_at')
    .execute();
}

export async function setMinutes(
  db: Db,
  id: string,
  minutes: { name: string; size: number; at: string },
): Promise<void> {
  await db
    .updateTable('assemblies')
    .set({ minutes_name: minutes.name, minutes_size: minutes.size, minutes_at: minutes.at })
    .where('id', '=', id)
    .execute();
}

/** Ids of assemblies created before `before` (an ISO timestamp). */
export async function assembliesCreatedBefore(db: Db, before: string): Promise<AssemblyRow[]> {
  return db.selectFrom('assemblies').selectAll().where('created_at', '<', before).execute();
}

/** Deletes the delivery records of these assemblies; returns how many went. */
export async function deleteDeliveriesOf(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('assembly_deliveries')
    .where('assembly_id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes assemblies (after their delivery records). */
export async function deleteAssemblies(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await deleteDeliveriesOf(db, ids);
  await db
    .deleteFrom('assemblies')
    .where('id', 'in', [...ids])
    .execute();
}

export async function oldestDeliveryAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('assembly_deliveries')
    .select((eb) => eb.fn.min('at').as('oldest'))
    .executeTakeFirst();
  return (row?.oldest as string | null | undefined) ?? null;
}
