import type { Kysely } from 'kysely';
import { binaryTextType } from '../dialect.ts';

/**
 * The first schema: member registry, contributions ledger, bank imports, audit log, web users,
 * sessions and one-time login links. Schema builder only, so it runs unchanged on SQLite and
 * PostgreSQL. Never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Member numbers and the sort key compare byte-wise on both databases, so lists come in the
  // same order everywhere and PostgreSQL can sort by the index whatever its default collation.
  const binaryText = binaryTextType(db);
  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_number', binaryText, (c) => c.notNull().unique())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text')
    .addColumn('street', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('openpgp_fingerprint', 'text')
    .addColumn('joined_on', 'text', (c) => c.notNull())
    .addColumn('left_on', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('sort_key', binaryText, (c) => c.notNull())
    .addColumn('restricted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('members_sort_key')
    .on('members')
    .columns(['sort_key', 'member_number'])
    .execute();
  await db.schema.createIndex('members_left_on').on('members').column('left_on').execute();
  await db.schema.createIndex('members_email').on('members').column('email').execute();

  await db.schema
    .createTable('member_fees')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) =>
      c.notNull().references('members.id').onDelete('restrict'),
    )
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('interval_months', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('member_fees_member')
    .on('member_fees')
    .columns(['member_id', 'valid_from'])
    .execute();

  await db.schema
    .createTable('bank_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('matched_count', 'integer', (c) => c.notNull())
    .addColumn('duplicate_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('bank_import_rows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('import_id', 'text', (c) =>
      c.notNull().references('bank_imports.id').onDelete('restrict'),
    )
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('booked_on', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('counterparty', 'text')
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema
    .createIndex('bank_import_rows_status')
    .on('bank_import_rows')
    .column('status')
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('restrict'))
    .addColumn('booked_on', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reverses_id', 'text', (c) =>
      c.unique().references('bookings.id').onDelete('restrict'),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('import_row_id', 'text', (c) =>
      c.unique().references('bank_import_rows.id').onDelete('restrict'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bookings_member')
    .on('bookings')
    .columns(['member_id', 'booked_on'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('member_id', 'text')
    .addColumn('object_id', 'text')
    .addColumn('fields', 'text')
    .execute();
  await db.schema
    .createIndex('audit_events_member')
    .on('audit_events')
    .columns(['member_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('login_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('login_links_member')
    .on('login_links')
    .columns(['member_id', 'created_at'])
    .execute();
}
