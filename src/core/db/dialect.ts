import { PostgresAdapter, sql, type Expression, type Kysely } from 'kysely';

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
