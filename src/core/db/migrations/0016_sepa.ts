import type { Kysely } from 'kysely';

/**
 * SEPA direct debit (the activity with store `sepa_mandates`; only when the declaration lists
 * bank details). A mandate holds the debtor's account (IBAN, BIC, holder) and its terms
 * (reference, date signed, FRST until the first collection, then RCUR, revocation); a
 * collection is one run with a due date, its items the amount per mandate and whether the
 * pre-notification went out. Items go with their mandate (14 months after it ended, the
 * declared retention). Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sepa_mandates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('iban', 'text', (c) => c.notNull())
    .addColumn('bic', 'text')
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('signed_on', 'text', (c) => c.notNull())
    .addColumn('sequence', 'text', (c) => c.notNull())
    .addColumn('last_collected_on', 'text')
    .addColumn('revoked_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sepa_mandates_member')
    .on('sepa_mandates')
    .column('member_id')
    .execute();
  await db.schema
    .createTable('sepa_collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('exported_at', 'text')
    .execute();
  await db.schema
    .createTable('sepa_collection_items')
    .addColumn('collection_id', 'text', (c) => c.notNull().references('sepa_collections.id'))
    .addColumn('mandate_id', 'text', (c) => c.notNull().references('sepa_mandates.id'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('sequence', 'text', (c) => c.notNull())
    .addColumn('end_to_end_id', 'text', (c) => c.notNull())
    // 'pending' | 'sent' | 'queued' | 'failed' | 'noAddress': the pre-notification of this item
    .addColumn('notice', 'text', (c) => c.notNull())
    .addColumn('noticed_at', 'text')
    .addPrimaryKeyConstraint('sepa_collection_items_pk', ['collection_id', 'mandate_id'])
    .execute();
}
