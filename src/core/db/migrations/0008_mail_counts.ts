import type { Kysely } from 'kysely';

/**
 * Daily counters of the mail treff sends on behalf of unauthenticated senders (a WKS
 * submission makes treff mail a confirmation request): one row per kind, address and UTC day,
 * so the limit holds across restarts and several instances. The address is stored only as an
 * HMAC with the installation secret; rows of earlier days are deleted on the next count.
 * Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_counts')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address_hmac', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_counts_pk', ['kind', 'address_hmac', 'day'])
    .execute();
}
