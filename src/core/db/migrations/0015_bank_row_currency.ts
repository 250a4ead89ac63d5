import type { Kysely } from 'kysely';

/**
 * The currency of an imported bank row (CAMT.053 names it per entry). A row in another currency
 * than the ledger's waits for review and is never booked as if it were the ledger's; null for
 * the rows of CSV imports, which are in the ledger's currency. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bank_import_rows').addColumn('currency', 'text').execute();
}
