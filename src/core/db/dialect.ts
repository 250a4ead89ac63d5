import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from './database.ts';

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
 * A text column compared byte-wise, so that ORDER BY gives the same order on both databases
 * (PostgreSQL would otherwise use the locale's collation, SQLite always compares bytes).
 */
export function binaryText(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`${sql.ref(column)} collate "C"`
    : sql<string>`${sql.ref(column)}`;
}

/** Converts a COUNT/SUM result to a number (pg returns 64-bit integers as text). */
export function toNumber(value: string | number | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}
