import type { Kysely } from 'kysely';

/**
 * The published versions of the privacy policy: for each version hash the date it was first
 * published, so the policy's "Stand" moves exactly when the declaration changes. Schema builder
 * only, so it runs unchanged on SQLite and PostgreSQL. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    // YYYY-MM-DD in the club's time zone.
    .addColumn('first_published_on', 'text', (c) => c.notNull())
    .execute();
}
