import { PostgresAdapter, sql, type Expression, type Kysely } from 'kysely';
import type { Dialect } from './database.ts';
import type { DB } from './schema.ts';

/**
 * The few places where SQLite and PostgreSQL differ, each with both branches (conventions §5).
 */

/** True when `error` is a unique-constraint violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; pg: SQLSTATE 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/**
 * The column type of text that compares byte-wise: SQLite always does; PostgreSQL would use the
 * database's locale collation, so it gets `collate "C"`.
 */
export function binaryTextType(db: Kysely<unknown>): 'text' | Expression<unknown> {
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : 'text';
}

/** Converts a COUNT/SUM result to a number (pg returns 64-bit integers as text). */
export function toNumber(value: string | number | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

/** Whether `db` talks to PostgreSQL (else SQLite). */
export function isPostgres(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The SQL type of each column of a row {@link insertMany} writes (PostgreSQL needs it). */
export type ColumnTypes<Row> = { [K in keyof Row]-?: 'text' | 'integer' };

/**
 * Inserts many rows into one table, all columns named in `types` (in that order). SQLite: one
 * multi-row INSERT per `sqliteChunk` rows (below its 32,766 bound parameters). PostgreSQL: one
 * `INSERT … SELECT * FROM unnest($1::text[], $2::integer[], …)` per 5,000 rows, each column
 * one array parameter, far quicker than 500-row VALUES lists of 5,500 parameters each (up to
 * 50 rows: a VALUES list there too).
 * Between statements the event loop runs (`setImmediate`) and `onChunk` hears the rows written.
 */
export async function insertMany<Row extends Record<string, string | number | null>>(
  db: Kysely<DB>,
  table: keyof DB,
  types: ColumnTypes<Row>,
  rows: readonly Row[],
  { sqliteChunk = 500, onChunk }: { sqliteChunk?: number; onChunk?: (done: number) => void } = {},
): Promise<void> {
  const columns = Object.keys(types) as (keyof Row & string)[];
  // A handful of rows (one audit event) takes the plain VALUES list on both databases.
  const postgres = isPostgres(db) && rows.length > 50;
  const chunk = postgres ? 5000 : sqliteChunk;
  for (let start = 0; start < rows.length; start += chunk) {
    if (start > 0) {
      onChunk?.(start);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const part = rows.slice(start, start + chunk);
    if (postgres) {
      const arrays = columns.map(
        (column) => sql`${part.map((row) => row[column] ?? null)}::${sql.raw(types[column])}[]`,
      );
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(
        db,
      );
    } else {
      await db.insertInto(table).values(part).execute();
    }
  }
  onChunk?.(rows.length);
}

/**
 * Runs `work` only if no other process runs the job `name` right now: on PostgreSQL under a
 * session advisory lock (several `treff serve` instances share one database, so each scheduled
 * job runs once); on SQLite, which one process owns, directly. Returns false when skipped.
 */
export async function withJobLock(
  db: Kysely<DB>,
  dialect: Dialect,
  name: string,
  work: () => Promise<void>,
): Promise<boolean> {
  if (dialect !== 'postgres') {
    await work();
    return true;
  }
  return db.connection().execute(async (connection) => {
    const key = `treff.job.${name}`;
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(connection);
    if (rows[0]?.locked !== true) return false;
    try {
      await work();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
    }
  });
}

/**
 * Serialises the transactions that take the lock `name`, until each ends: on PostgreSQL with a
 * transaction-level advisory lock (several processes, READ COMMITTED, so a check such as "another
 * admin is left" could otherwise pass in two transactions at once). SQLite needs none: treff's
 * connection runs one transaction at a time, and a second process that wrote on a stale snapshot
 * gets SQLITE_BUSY instead of committing. Call it first inside the transaction.
 */
export async function lockForTransaction(trx: Kysely<DB>, name: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtext(${`treff.${name}`}))`.execute(trx);
}

/** The tables whose deleted rows are personal data (erasure, account deletion, key removal). */
const ERASED_TABLES = [
  'members',
  'member_fees',
  'bookings',
  'bank_import_rows',
  'accounts',
  'password_tokens',
  'account_deletions',
  'wkd_keys',
  'sessions',
  'login_links',
  'audit_events',
] as const;

/**
 * Removes the bytes of deleted rows that the database still keeps after an erasure run. SQLite
 * (with `secure_delete` on, so freed pages are zeroed): a `TRUNCATE` checkpoint copies the WAL
 * into the database file and cuts the WAL to zero bytes, so old page images in it are gone.
 * PostgreSQL: `VACUUM` of the tables erasure touches prunes the dead tuples from the heap pages;
 * the WAL segments that recorded the rows stay until the server recycles them, and WAL archives
 * or base backups keep them as long as they are kept (README "Erasure that leaves no trace").
 * Returns whether SQLite could truncate (false while another connection reads; the next run
 * tries again). Must not run inside a transaction.
 */
export async function releaseErasedPages(db: Kysely<DB>, dialect: Dialect): Promise<boolean> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    return rows[0]?.busy === 0;
  }
  for (const table of ERASED_TABLES) await sql`vacuum ${sql.table(table)}`.execute(db);
  return true;
}
