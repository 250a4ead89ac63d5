import type { Kysely } from 'kysely';
import { binaryTextType } from '../dialect.ts';

/**
 * Members' OpenPGP keys in the Web Key Directory (the `wkd` activity, store `wkd_keys`): the
 * published key of an address and, while a publication waits for its proof, the pending one.
 * Holds only what the activity declares (the key and the address) plus what is derived from
 * them (hash, fingerprint, expiry) and bookkeeping. Never edit after it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wkd_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Cascade: when the retention engine erases a former member, their key rows go with them.
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // ASCII-lower-cased club address, compared byte-wise on both databases.
    .addColumn('address', binaryTextType(db), (c) => c.notNull())
    .addColumn('wkd_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    // The minimised binary key, base64: the same text column on SQLite and PostgreSQL.
    .addColumn('key_data', 'text', (c) => c.notNull())
    .addColumn('key_expires_at', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    // SHA-256 of the one-time code (web) or nonce (WKS) of a pending publication.
    .addColumn('nonce_hash', 'text', (c) => c.unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Exactly one published key per address, and at most one pending request.
    .addUniqueConstraint('wkd_keys_address_state', ['address', 'state'])
    .execute();
  await db.schema.createIndex('wkd_keys_member').on('wkd_keys').column('member_id').execute();
}
