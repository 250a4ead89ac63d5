import { sql, type Kysely } from 'kysely';
import { binaryTextType } from '../dialect.ts';

/**
 * Member accounts (shell, mail, XMPP): one account per member, its password hash, the services
 * it may use, SSH keys; one-time links to set a password; the uid counter (uids are never
 * reused); and the queue of deletions the privileged sync carries out on disk.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) =>
      c.notNull().unique().references('members.id').onDelete('restrict'),
    )
    .addColumn('username', binaryTextType(db), (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('uid', 'integer', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('shell', 'integer', (c) => c.notNull())
    .addColumn('mail', 'integer', (c) => c.notNull())
    .addColumn('xmpp', 'integer', (c) => c.notNull())
    .addColumn('ssh_keys', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('disabled_at', 'text')
    .addColumn('delete_after', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_status').on('accounts').column('status').execute();

  await db.schema
    .createTable('password_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into counters (name, value) values ('next_uid', 20000)`.execute(db);

  await db.schema
    .createTable('account_deletions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('uid', 'integer', (c) => c.notNull())
    // The username is needed to find the home and the XMPP data; it is erased once they are gone.
    .addColumn('username', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .execute();
}
