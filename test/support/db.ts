import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Dialect } from '../../src/core/db/database.ts';

/**
 * The databases every database-backed test runs on: `TEST_DIALECTS=sqlite,postgres` (CI) or
 * just SQLite (the default on a laptop). PostgreSQL comes from `TREFF_TEST_PG_URL`, default
 * the local server's `test` database with trust auth.
 */
export const TEST_DIALECTS: Dialect[] = (process.env['TEST_DIALECTS'] ?? 'sqlite')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is Dialect => name === 'sqlite' || name === 'postgres');

export const PG_URL = process.env['TREFF_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty database for one test: SQLite in a file under `dir`, or its own PG schema. */
export interface TestDatabase {
  url: string;
  pgSchema?: string;
}

/**
 * A fresh database for one test. PostgreSQL schemas are not dropped here: dropping a schema
 * while another test process runs Kysely's migrator breaks that migrator's catalog queries
 * ("schema … does not exist"), so scripts/test.sh drops them all once no test runs.
 */
export async function createTestDatabase(dialect: Dialect, dir: string): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { url: `sqlite:${dir}/treff.db` };
  const schema = `${TEST_SCHEMA_PREFIX}${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return { url: PG_URL, pgSchema: schema };
}

/** Test schemas start with this; nothing else in the test database may. */
export const TEST_SCHEMA_PREFIX = 'treff_test_';

/** Drops every test schema. Run only while no test runs (scripts/test.sh does). */
export async function dropTestSchemas(): Promise<number> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'select nspname as name from pg_namespace where starts_with(nspname, $1)',
      [TEST_SCHEMA_PREFIX],
    );
    for (const { name } of rows) await client.query(`drop schema "${name}" cascade`);
    return rows.length;
  } finally {
    await client.end();
  }
}

/**
 * Dead tuples left in `relation` (pgstattuple), after vacuuming it again while any remain, a few
 * times at most: VACUUM cannot prune a tuple that a transaction still open elsewhere in the same
 * database may see (the suite runs two files at once in one database). The hourly release of
 * erased pages vacuums again in the same way.
 */
export async function deadTuplesAfterVacuum(
  client: { query: (sql: string, values?: unknown[]) => Promise<{ rows: { dead?: string }[] }> },
  relation: string,
): Promise<number> {
  const dead = async () =>
    Number(
      (
        await client.query(
          'select dead_tuple_count as dead from public.pgstattuple($1::regclass)',
          [relation],
        )
      ).rows[0]?.dead,
    );
  let left = await dead();
  for (let round = 0; left > 0 && round < 20; round++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await client.query(`vacuum ${relation}`);
    left = await dead();
  }
  return left;
}
