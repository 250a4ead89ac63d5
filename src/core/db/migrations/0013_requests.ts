import type { Kysely } from 'kysely';

/**
 * The request ledger (the `requests` activity, Art. 12 GDPR): every data-subject request, by
 * mail, in the portal or entered by the board, with its kind, how the requester's identity
 * stands, its deadline and its outcome; the one-time confirmation links of requests mailed from
 * a registered address; and the reminders already sent to the board. Never edit after it has
 * landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    // Set null, not cascade: the entry outlives the member for the accountability period
    // (Art. 5(2)); it then goes by its own retention rule.
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text')
    // How the board verified the person (a letter, a call): free text by the board.
    .addColumn('verified_how', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('mail_file', 'text')
    .addColumn('subject', 'text')
    // What the request asks for, when it names it: the wished username of an account request,
    // the armored key of a key publication. Cleared with the raw mail when the request closes.
    .addColumn('username', 'text')
    .addColumn('key_data', 'text')
    .addColumn('auto_submitted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'text', (c) => c.notNull())
    // Calendar dates (YYYY-MM-DD, club time zone): the deadline, and the extended one.
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('extended_due_on', 'text')
    .addColumn('extension_reason', 'text')
    .addColumn('paused_since', 'text')
    .addColumn('paused_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('requests_state').on('requests').column('state').execute();
  await db.schema.createIndex('requests_member').on('requests').column('member_id').execute();

  await db.schema
    .createTable('request_confirmations')
    // SHA-256 of the token in the mailed link.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) =>
      c.notNull().references('requests.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('request_confirmations_request')
    .on('request_confirmations')
    .column('request_id')
    .execute();

  await db.schema
    .createTable('request_reminders')
    .addColumn('request_id', 'text', (c) =>
      c.notNull().references('requests.id').onDelete('cascade'),
    )
    .addColumn('days_before', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_reminders_pk', ['request_id', 'days_before'])
    .execute();
}
