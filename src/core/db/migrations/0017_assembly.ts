import type { Kysely } from 'kysely';

/**
 * Invitations to the general assembly (the activity with store `assemblies`): the invitation
 * as the board wrote it (date, place or hybrid access, agenda), the deadline computed from the
 * declared notice period, the minutes file once attached (stored 0600 in the data dir), and
 * one delivery record per member as proof that everyone was invited (channel, the address
 * used, status, time; a member without an address is listed for a letter). Never edit after
 * it has landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assemblies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    // 'presence' | 'hybrid' | 'virtual' (§ 32 Abs. 2 BGB)
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('online_access', 'text')
    .addColumn('virtual_resolution', 'text')
    .addColumn('agenda', 'text', (c) => c.notNull())
    .addColumn('send_by', 'text', (c) => c.notNull())
    .addColumn('minutes_name', 'text')
    .addColumn('minutes_size', 'integer')
    .addColumn('minutes_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('assembly_deliveries')
    .addColumn('assembly_id', 'text', (c) => c.notNull().references('assemblies.id'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    // 'mail' | 'letter'
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    // 'sent' | 'queued' | 'failed' | 'letter'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('assembly_deliveries_pk', ['assembly_id', 'member_id'])
    .execute();
}
