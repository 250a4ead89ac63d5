import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../core/db/database.ts';
import { toNumber } from '../core/db/dialect.ts';
import type { DB, MembersTable } from '../core/db/schema.ts';
import type { Member, MemberFields, MemberStatusFilter } from './members.schema.ts';
import { escapeLike, foldText, queryWords, searchVariants } from './text.ts';

/**
 * All SQL of the member registry. Restricted members (Art. 18) are left out of every query
 * unless the caller asks for them explicitly, so "restricted" cannot leak by a forgotten filter.
 */

type MemberRow = MembersTable;

function toMember(row: MemberRow): Member {
  return {
    id: row.id,
    memberNumber: row.member_number,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    street: row.street,
    postcode: row.postcode,
    city: row.city,
    email: row.email,
    phone: row.phone,
    openpgpFingerprint: row.openpgp_fingerprint,
    joinedOn: row.joined_on,
    leftOn: row.left_on,
    restrictedAt: row.restricted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The derived search and sort columns of a member. */
export function derivedColumns(
  fields: Pick<MemberFields, 'memberNumber' | 'firstName' | 'lastName' | 'email' | 'city'>,
): { search_text: string; sort_key: string } {
  const parts = [
    fields.memberNumber,
    `${fields.firstName} ${fields.lastName}`,
    fields.email ?? '',
    fields.city ?? '',
  ];
  return {
    search_text: parts.flatMap((part) => searchVariants(part)).join(' | '),
    sort_key: foldText(`${fields.lastName} ${fields.firstName}`),
  };
}

function toRow(fields: MemberFields) {
  return {
    member_number: fields.memberNumber,
    first_name: fields.firstName,
    last_name: fields.lastName,
    birth_date: fields.birthDate,
    street: fields.street,
    postcode: fields.postcode,
    city: fields.city,
    email: fields.email,
    phone: fields.phone,
    openpgp_fingerprint: fields.openpgpFingerprint,
    joined_on: fields.joinedOn,
    left_on: fields.leftOn,
    ...derivedColumns(fields),
  };
}

/** Inserts a member. Unique-number violations surface as the database's error. */
export async function insertMember(
  db: Db,
  id: string,
  fields: MemberFields,
  at: string,
): Promise<void> {
  await db
    .insertInto('members')
    .values({ id, ...toRow(fields), restricted_at: null, created_at: at, updated_at: at })
    .execute();
}

/** Inserts many members in one statement per chunk (the CSV import). */
export async function insertMembers(
  db: Db,
  members: readonly { id: string; fields: MemberFields }[],
  at: string,
): Promise<void> {
  // 500 rows × 19 columns stays below SQLite's and PostgreSQL's bound-parameter limits.
  for (let start = 0; start < members.length; start += 500) {
    const chunk = members.slice(start, start + 500);
    await db
      .insertInto('members')
      .values(
        chunk.map(({ id, fields }) => ({
          id,
          ...toRow(fields),
          restricted_at: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  }
}

/** Replaces a member's registry fields. */
export async function updateMemberFields(
  db: Db,
  id: string,
  fields: MemberFields,
  at: string,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ ...toRow(fields), updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Marks a member's data as restricted (Art. 18 GDPR); used by staged erasure. */
export async function markMemberRestricted(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('members')
    .set({ restricted_at: at, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Who may see a member: restricted data only when `includeRestricted`. */
export interface Visibility {
  includeRestricted: boolean;
}

/** A member by id, or undefined (also when restricted and not visible). */
export async function findMemberById(
  db: Db,
  id: string,
  visibility: Visibility,
): Promise<Member | undefined> {
  let query = db.selectFrom('members').selectAll().where('id', '=', id);
  if (!visibility.includeRestricted) query = query.where('restricted_at', 'is', null);
  const row = await query.executeTakeFirst();
  return row ? toMember(row) : undefined;
}

/** A member by member number, or undefined (also when restricted and not visible). */
export async function findMemberByNumber(
  db: Db,
  memberNumber: string,
  visibility: Visibility,
): Promise<Member | undefined> {
  let query = db.selectFrom('members').selectAll().where('member_number', '=', memberNumber);
  if (!visibility.includeRestricted) query = query.where('restricted_at', 'is', null);
  const row = await query.executeTakeFirst();
  return row ? toMember(row) : undefined;
}

/** Members by id (restricted ones included: the caller decides what to show). */
export async function findMembersByIds(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, Member>> {
  const result = new Map<string, Member>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('members')
      .selectAll()
      .where('id', 'in', ids.slice(start, start + 500))
      .execute();
    for (const row of rows) result.set(row.id, toMember(row));
  }
  return result;
}

/** Every member number in use, restricted ones included (numbers are never reused). */
export async function listAllMemberNumbers(
  db: Db,
): Promise<Map<string, { id: string; restricted: boolean }>> {
  const rows = await db
    .selectFrom('members')
    .select(['id', 'member_number', 'restricted_at'])
    .execute();
  return new Map(
    rows.map((row) => [row.member_number, { id: row.id, restricted: row.restricted_at !== null }]),
  );
}

/** Members with this email address who may receive a portal login link (not restricted). */
export async function findMembersByEmail(db: Db, email: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('members')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .where('restricted_at', 'is', null)
    .execute();
  return rows.map(toMember);
}

/** What a member list asks for. */
export interface MemberQuery {
  search?: string | undefined;
  status: MemberStatusFilter;
  /** Today's date in the club's time zone; decides "active" and "left". */
  today: string;
  limit: number;
  offset: number;
}

function statusFilter(
  eb: ExpressionBuilder<DB, 'members'>,
  status: MemberStatusFilter,
  today: string,
): Expression<SqlBool> {
  switch (status) {
    case 'restricted':
      return eb('restricted_at', 'is not', null);
    case 'active':
      return eb.and([
        eb('restricted_at', 'is', null),
        eb.or([eb('left_on', 'is', null), eb('left_on', '>', today)]),
      ]);
    case 'left':
      return eb.and([eb('restricted_at', 'is', null), eb('left_on', '<=', today)]);
    case 'all':
      return eb('restricted_at', 'is', null);
  }
}

function searchFilter(
  eb: ExpressionBuilder<DB, 'members'>,
  search: string | undefined,
): Expression<SqlBool> {
  const words = queryWords(search ?? '');
  if (words.length === 0) return sql<SqlBool>`1 = 1`;
  return eb.and(
    words.map(
      (word) => sql<SqlBool>`${sql.ref('search_text')} like ${`%${escapeLike(word)}%`} escape '\\'`,
    ),
  );
}

/**
 * One page of members matching a search and a status, ordered by last and first name the same
 * way on both databases, with the total count for paging.
 */
export async function searchMembers(
  db: Db,
  query: MemberQuery,
): Promise<{ members: Member[]; total: number }> {
  const base = db
    .selectFrom('members')
    .where((eb) =>
      eb.and([statusFilter(eb, query.status, query.today), searchFilter(eb, query.search)]),
    );
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('sort_key')
      .orderBy('member_number')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { members: rows.map(toMember), total: toNumber(count.n) };
}

/** All members of a status for the CSV export, by member number. Never restricted ones. */
export async function listMembersForExport(
  db: Db,
  status: Exclude<MemberStatusFilter, 'restricted'>,
  today: string,
): Promise<Member[]> {
  const rows = await db
    .selectFrom('members')
    .selectAll()
    .where((eb) => statusFilter(eb, status, today))
    .orderBy('member_number')
    .execute();
  return rows.map(toMember);
}
