import { sql, type Kysely } from 'kysely';

/**
 * Indexes for a registry of 100,000 members and 1,000,000 bookings (issue 15):
 * - the member list and search walk the unrestricted members in name order and skip to their
 *   page: a partial index on the order with the filtered columns (left_on for the status,
 *   search_text for the words) lets both databases do that inside the index, without reading a
 *   table row per skipped member (SQLite: 200 ms for page 1,600 before, 9 ms after). It
 *   replaces the full index on the order: with both, a planner whose statistics were gathered
 *   before any member was restricted sees them as equal and may walk the wrong one (found in
 *   the bench: 400 ms per page); the restricted members' list sorts its few rows instead;
 * - the balances sum each listed member's bookings: with the amount in the index the sum is
 *   read from it alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('members_listing')
    .on('members')
    .columns(['sort_key', 'member_number', 'left_on', 'search_text'])
    .where(sql.ref('restricted_at'), 'is', null)
    .execute();
  await db.schema.dropIndex('members_sort_key').execute();
  await db.schema
    .createIndex('bookings_member_amount')
    .on('bookings')
    .columns(['member_id', 'amount_cents'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('bookings_member_amount').execute();
  await db.schema
    .createIndex('members_sort_key')
    .on('members')
    .columns(['sort_key', 'member_number'])
    .execute();
  await db.schema.dropIndex('members_listing').execute();
}
