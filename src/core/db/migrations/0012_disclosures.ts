import type { Kysely } from 'kysely';

/**
 * The register of disclosures (the `disclosure-register` activity, store `disclosures`): one row
 * per request from an authority. It holds the facts of the request (when, which kind of
 * authority, the legal basis it cited, what it asked for, whether it was formally correct) and
 * of the answer (outcome, the *categories* of data handed over, whether and when the person
 * concerned was told, or why not) — never the data itself and nothing that names the person
 * concerned. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('disclosures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('authority_kind', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    // JSON arrays of closed vocabularies (request kinds, data categories).
    .addColumn('requested', 'text', (c) => c.notNull())
    .addColumn('formally_correct', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('handed_over', 'text', (c) => c.notNull())
    .addColumn('answered_on', 'text')
    .addColumn('subject_informed_on', 'text')
    .addColumn('not_informed_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('disclosures_received_on')
    .on('disclosures')
    .column('received_on')
    .execute();
}
