import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../core/db/database.ts';
import type { WkdKeysTable } from '../core/db/schema.ts';
import { toNumber } from '../core/db/dialect.ts';

/** The only place with SQL for `wkd_keys` (conventions §2). */

/** Where a key came from. */
export type KeySource = WkdKeysTable['source'];

/** One row of `wkd_keys`: a published key, or a publication waiting for its proof. */
export interface WkdKey {
  id: string;
  memberId: string;
  address: string;
  hash: string;
  state: 'pending' | 'published';
  fingerprint: string;
  /** The minimised binary key. */
  key: Uint8Array;
  keyExpiresAt: string | null;
  source: KeySource;
  attempts: number;
  createdAt: string;
  /** When a pending request lapses (null once published). */
  expiresAt: string | null;
  publishedAt: string | null;
  updatedAt: string;
}

function toKey(row: Selectable<WkdKeysTable>): WkdKey {
  return {
    id: row.id,
    memberId: row.member_id,
    address: row.address,
    hash: row.wkd_hash,
    state: row.state,
    fingerprint: row.fingerprint,
    key: new Uint8Array(Buffer.from(row.key_data, 'base64')),
    keyExpiresAt: row.key_expires_at,
    source: row.source,
    attempts: toNumber(row.attempts),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
  };
}

/** What a new row holds. */
export interface NewKeyRow {
  id: string;
  memberId: string;
  address: string;
  hash: string;
  fingerprint: string;
  key: Uint8Array;
  keyExpiresAt: string | null;
  source: KeySource;
  at: string;
}

/** Inserts `row` in the state `lifecycle` gives it. */
async function insertRow(
  db: Db,
  row: NewKeyRow,
  lifecycle: Pick<Insertable<WkdKeysTable>, 'state' | 'nonce_hash' | 'expires_at' | 'published_at'>,
): Promise<void> {
  await db
    .insertInto('wkd_keys')
    .values({
      id: row.id,
      member_id: row.memberId,
      address: row.address,
      wkd_hash: row.hash,
      fingerprint: row.fingerprint,
      key_data: Buffer.from(row.key).toString('base64'),
      key_expires_at: row.keyExpiresAt,
      source: row.source,
      attempts: 0,
      created_at: row.at,
      updated_at: row.at,
      ...lifecycle,
    })
    .execute();
}

/**
 * Stores a pending publication, replacing an earlier pending one of the same address (a new
 * request makes the older code worthless). Call inside a transaction.
 */
export async function replacePending(
  db: Db,
  row: NewKeyRow & { nonceHash: string; expiresAt: string },
): Promise<void> {
  await db
    .deleteFrom('wkd_keys')
    .where('address', '=', row.address)
    .where('state', '=', 'pending')
    .execute();
  await insertRow(db, row, {
    state: 'pending',
    nonce_hash: row.nonceHash,
    expires_at: row.expiresAt,
    published_at: null,
  });
}

/**
 * Makes `row` the published key of its address, replacing the one published before (exactly
 * one key per address). Returns the id of the replaced row, if any. Call inside a transaction.
 */
export async function publishRow(db: Db, row: NewKeyRow): Promise<string | undefined> {
  const previous = await db
    .selectFrom('wkd_keys')
    .select('id')
    .where('address', '=', row.address)
    .where('state', '=', 'published')
    .executeTakeFirst();
  if (previous) await db.deleteFrom('wkd_keys').where('id', '=', previous.id).execute();
  await insertRow(db, row, {
    state: 'published',
    nonce_hash: null,
    expires_at: null,
    published_at: row.at,
  });
  return previous?.id;
}

/** The pending request whose code or nonce hashes to `nonceHash`, if any. */
export async function findPendingByNonce(db: Db, nonceHash: string): Promise<WkdKey | undefined> {
  const row = await db
    .selectFrom('wkd_keys')
    .selectAll()
    .where('nonce_hash', '=', nonceHash)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return row && toKey(row);
}

/** The row with `id`, if any. */
export async function findKeyById(db: Db, id: string): Promise<WkdKey | undefined> {
  const row = await db.selectFrom('wkd_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toKey(row);
}

/** The pending or published row of an address. */
export async function findKeyByAddress(
  db: Db,
  address: string,
  state: WkdKey['state'],
): Promise<WkdKey | undefined> {
  const row = await db
    .selectFrom('wkd_keys')
    .selectAll()
    .where('address', '=', address)
    .where('state', '=', state)
    .executeTakeFirst();
  return row && toKey(row);
}

/** Every row of one member (published and pending), oldest first. */
export async function listKeysOfMember(db: Db, memberId: string): Promise<WkdKey[]> {
  const rows = await db
    .selectFrom('wkd_keys')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toKey);
}

/** Every published (or pending) key, by address. */
export async function listPublishedKeys(
  db: Db,
  state: WkdKey['state'] = 'published',
): Promise<WkdKey[]> {
  const rows = await db
    .selectFrom('wkd_keys')
    .selectAll()
    .where('state', '=', state)
    .orderBy('address')
    .execute();
  return rows.map(toKey);
}

/**
 * A value that changes whenever the set of published keys changes (count and newest update),
 * cheap enough to ask every second: the WKD cache reloads only when it moves.
 */
export async function publishedStamp(db: Db): Promise<string> {
  const row = await db
    .selectFrom('wkd_keys')
    .select((eb) => [eb.fn.countAll().as('count'), eb.fn.max('updated_at').as('newest')])
    .where('state', '=', 'published')
    .executeTakeFirst();
  return `${toNumber(row?.count)}/${row?.newest ?? ''}`;
}

/** Counts a wrong code against a pending request. Returns the new count. */
export async function countWrongCode(db: Db, id: string, at: string): Promise<number> {
  await db
    .updateTable('wkd_keys')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .execute();
  const row = await db
    .selectFrom('wkd_keys')
    .select('attempts')
    .where('id', '=', id)
    .executeTakeFirst();
  return toNumber(row?.attempts);
}

/** Deletes one row. Returns whether it existed. */
export async function deleteKeyRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('wkd_keys').where('id', '=', id).executeTakeFirst();
  return toNumber(result.numDeletedRows) > 0;
}

/** Pending requests that lapsed before `now` (ISO). */
export async function listLapsedPending(db: Db, now: string): Promise<WkdKey[]> {
  const rows = await db
    .selectFrom('wkd_keys')
    .selectAll()
    .where('state', '=', 'pending')
    .where('expires_at', '<', now)
    .execute();
  return rows.map(toKey);
}

/** The oldest `created_at` of the rows still kept, for the retention report. */
export async function oldestKeyCreatedAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('wkd_keys')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .executeTakeFirst();
  return row?.oldest ?? null;
}
