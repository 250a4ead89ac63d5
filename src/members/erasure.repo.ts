import { sql } from 'kysely';
import type { Db } from '../core/db/database.ts';
import type { MembersTable } from '../core/db/schema.ts';

/**
 * SQL of the staged erasure of former members. Bookings are never deleted here: at the final
 * stage they are unlinked from the person and their free text is blanked (§ 147 AO keeps the
 * books, not the person).
 */

/** Member columns that erasure stage 1 may blank, by their declaration category. */
export const ERASABLE_COLUMNS = {
  birthDate: 'birth_date',
  street: 'street',
  postcode: 'postcode',
  city: 'city',
  email: 'email',
  phone: 'phone',
  openpgpFingerprint: 'openpgp_fingerprint',
} as const;
export type ErasableField = keyof typeof ERASABLE_COLUMNS;

/** A former member as the erasure jobs see it. */
export interface FormerMember {
  id: string;
  leftOn: string;
  restrictedAt: string | null;
  values: Partial<Record<ErasableField, string | null>>;
  row: MembersTable;
}

/** Former members (left on or before `leftBy`) that still hold one of `fields`, oldest exit first. */
export async function listFormerMembersHolding(
  db: Db,
  fields: readonly ErasableField[],
  leftBy: string,
  limit: number,
  after: string | null,
): Promise<FormerMember[]> {
  let query = db
    .selectFrom('members')
    .selectAll()
    .where('left_on', 'is not', null)
    .where('left_on', '<=', leftBy)
    .where((eb) => eb.or(fields.map((field) => eb(ERASABLE_COLUMNS[field], 'is not', null))))
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    leftOn: row.left_on ?? leftBy,
    restrictedAt: row.restricted_at,
    values: Object.fromEntries(
      Object.entries(ERASABLE_COLUMNS).map(([field, column]) => [field, row[column]]),
    ),
    row,
  }));
}

/** One member for {@link blankMemberFields}: its new search columns and whether nothing is left. */
export interface BlankedMember {
  id: string;
  derived: { search_text: string; sort_key: string };
  complete: boolean;
}

/**
 * Blanks the given fields of each member, marks it restricted, updates its search columns and
 * ends its portal access (login links, sessions). Call it in the transaction that records the
 * erasure; the list may be long (a batch of the exit stage).
 */
export async function blankMemberFields(
  db: Db,
  members: readonly BlankedMember[],
  fields: readonly ErasableField[],
  at: string,
): Promise<void> {
  const blanks = fields.map((field) => sql`${sql.ref(ERASABLE_COLUMNS[field])} = null`);
  for (let start = 0; start < members.length; start += 500) {
    const chunk = members.slice(start, start + 500);
    // One statement per chunk (a statement per member was most of the exit stage's time): the
    // new search columns come from a VALUES list; UPDATE … FROM works on SQLite and PostgreSQL.
    const values = chunk.map(
      (member) =>
        sql`(${member.id}, ${member.derived.search_text}, ${member.derived.sort_key}, ${member.complete ? 'y' : 'n'})`,
    );
    await sql`with v (id, search_text, sort_key, complete) as (values ${sql.join(values)})
      update members set ${sql.join([
        ...blanks,
        sql`search_text = v.search_text`,
        sql`sort_key = v.sort_key`,
        sql`restricted_at = ${at}`,
        sql`erased_at = case when v.complete = 'y' then ${at} else members.erased_at end`,
        sql`updated_at = ${at}`,
      ])}
      from v where members.id = v.id`.execute(db);
    // The portal is for members; a restricted former member has none of it any more.
    const ids = chunk.map((member) => member.id);
    await db.deleteFrom('login_links').where('member_id', 'in', ids).execute();
    await db.deleteFrom('sessions').where('member_id', 'in', ids).execute();
  }
}

/**
 * The oldest exit among former members that still hold one of `fields`, leaving out `except`
 * (members held on purpose, e.g. while they owe contributions).
 */
export async function oldestExitHolding(
  db: Db,
  fields: readonly ErasableField[],
  except: readonly string[],
): Promise<string | null> {
  let query = db
    .selectFrom('members')
    .select((eb) => eb.fn.min('left_on').as('oldest'))
    .where('left_on', 'is not', null)
    .where((eb) => eb.or(fields.map((field) => eb(ERASABLE_COLUMNS[field], 'is not', null))));
  if (except.length > 0) query = query.where('id', 'not in', except);
  const row = await query.executeTakeFirst();
  return row?.oldest ?? null;
}

/** Former members who left on or before `leftBy` (all stages), oldest exit first. */
export async function listFormerMembersLeftBy(
  db: Db,
  leftBy: string,
  limit: number,
  after: string | null,
): Promise<{ id: string; leftOn: string }[]> {
  let query = db
    .selectFrom('members')
    .select(['id', 'left_on'])
    .where('left_on', 'is not', null)
    .where('left_on', '<=', leftBy)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  return (await query.execute()).map((row) => ({ id: row.id, leftOn: row.left_on ?? leftBy }));
}

/** The oldest exit date among all former members still in the registry. */
export async function oldestExit(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.min('left_on').as('oldest'))
    .where('left_on', 'is not', null)
    .executeTakeFirst();
  return row?.oldest ?? null;
}

/** Which of `ids` still have an account (which must be deleted before the member row). */
export async function membersWithAccount(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('accounts')
      .select('member_id')
      .where('member_id', 'in', ids.slice(start, start + 500))
      .execute();
    for (const row of rows) if (row.member_id) found.add(row.member_id);
  }
  return found;
}

/**
 * The final stage for each of `ids`: the bookings stay, unlinked from the person, their free
 * text blanked; the bank lines behind them lose payer and text; fees and the member row go.
 */
export async function eraseMemberRecords(db: Db, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const linked = db
      .selectFrom('bookings')
      .select('import_row_id')
      .where('member_id', 'in', chunk)
      .where('import_row_id', 'is not', null);
    await db
      .updateTable('bank_import_rows')
      .set({ counterparty: null, reference: '' })
      .where('id', 'in', linked)
      .execute();
    await db
      .updateTable('bookings')
      .set({ member_id: null, reference: '' })
      .where('member_id', 'in', chunk)
      .execute();
    await db.deleteFrom('member_fees').where('member_id', 'in', chunk).execute();
    await db.deleteFrom('members').where('id', 'in', chunk).execute();
  }
}

/** Bank lines no member was ever linked to, booked on or before `bookedBy`, that still name someone. */
export async function blankUnlinkedBankRows(
  db: Db,
  bookedBy: string,
  dryRun: boolean,
): Promise<number> {
  const linked = db
    .selectFrom('bookings')
    .select('import_row_id')
    .where('import_row_id', 'is not', null);
  const base = db
    .selectFrom('bank_import_rows')
    .where('booked_on', '<=', bookedBy)
    .where('id', 'not in', linked)
    .where((eb) => eb.or([eb('counterparty', 'is not', null), eb('reference', '!=', '')]));
  const ids = (await base.select('id').execute()).map((row) => row.id);
  if (!dryRun) {
    for (let start = 0; start < ids.length; start += 500) {
      await db
        .updateTable('bank_import_rows')
        .set({ counterparty: null, reference: '' })
        .where('id', 'in', ids.slice(start, start + 500))
        .execute();
    }
  }
  return ids.length;
}

/** Blanks the actors of the audit events about each of `memberIds` (the events stay). */
export async function anonymiseAuditOf(db: Db, memberIds: readonly string[]): Promise<void> {
  for (let start = 0; start < memberIds.length; start += 500) {
    await db
      .updateTable('audit_events')
      .set({ actor_id: null })
      .where('member_id', 'in', memberIds.slice(start, start + 500))
      .execute();
  }
}

/** Member ids with a final erasure event at or before `by` and no anonymisation event yet. */
export async function listErasedWithoutAnonymisation(
  db: Db,
  by: string,
): Promise<{ memberId: string; erasedAt: string }[]> {
  const done = db
    .selectFrom('audit_events')
    .select('member_id')
    .where('event', '=', 'members.audit.anonymised')
    .where('member_id', 'is not', null);
  const rows = await db
    .selectFrom('audit_events')
    .select(['member_id', 'occurred_at'])
    .where('event', '=', 'members.erasure.final')
    .where('occurred_at', '<=', by)
    .where('member_id', 'not in', done)
    .execute();
  return rows.flatMap((row) =>
    row.member_id ? [{ memberId: row.member_id, erasedAt: row.occurred_at }] : [],
  );
}

/** The registry row of a member, restricted or not (erasure replay). */
export async function findMemberRow(db: Db, id: string): Promise<MembersTable | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}
