import type { Db } from '../core/db/database.ts';

/** A row of `policy_versions` (migration 0003). */
export interface PolicyVersionsTable {
  /** The policy version: 12 hex digits of the declaration's hash. */
  hash: string;
  /** `YYYY-MM-DD` in the club's time zone. */
  first_published_on: string;
  /** The canonical JSON of the policy input (migration 0011); null for older versions. */
  input: string | null;
}

// The table is this module's own; core/db/schema.ts stays untouched by adding it here.
function withPolicyTables(db: Db) {
  return db.withTables<{ policy_versions: PolicyVersionsTable }>();
}

/** The date a policy version was first published, or undefined if it never was. */
export async function findFirstPublication(db: Db, hash: string): Promise<string | undefined> {
  const row = await withPolicyTables(db)
    .selectFrom('policy_versions')
    .select('first_published_on')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row?.first_published_on;
}

/**
 * Records that `hash` was published on `date` unless it is recorded already; an earlier date is
 * never overwritten. Idempotent and safe when several processes do it at once (the primary key
 * decides, `ON CONFLICT DO NOTHING` on SQLite and PostgreSQL alike).
 */
export async function insertFirstPublication(
  db: Db,
  hash: string,
  date: string,
  input: string,
): Promise<void> {
  await withPolicyTables(db)
    .insertInto('policy_versions')
    .values({ hash, first_published_on: date, input })
    .onConflict((conflict) => conflict.column('hash').doNothing())
    .execute();
}

/** Every published version, oldest first (by date, then hash for one day's several). */
export async function listPublications(db: Db): Promise<PolicyVersionsTable[]> {
  return withPolicyTables(db)
    .selectFrom('policy_versions')
    .selectAll()
    .orderBy('first_published_on')
    .orderBy('hash')
    .execute();
}
