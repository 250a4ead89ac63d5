import type { Insertable } from 'kysely';
import type { Db } from '../db/database.ts';
import { insertMany, type ColumnTypes } from '../db/dialect.ts';
import type { AuditEventsTable } from '../db/schema.ts';
import { newId } from '../ids.ts';

/** Who did something: a logged-in user, a member in the portal, the system, or the CLI. */
export interface Actor {
  type: 'user' | 'member' | 'system' | 'cli';
  id: string | null;
}

/** The CLI as actor (run by a local administrator). */
export const CLI_ACTOR: Actor = { type: 'cli', id: null };
/** Scheduled jobs and automatic actions. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

/** One audit event as stored: names and ids only. */
export interface AuditEvent {
  id: string;
  occurredAt: string;
  event: string;
  actorType: Actor['type'];
  actorId: string | null;
  memberId: string | null;
  objectId: string | null;
  fields: string[];
}

const EVENT_NAME = /^[a-z]+(\.[a-z][a-z_]*)+$/;

/**
 * Appends an audit event. Call it with the transaction that makes the change, so the change and
 * its record commit together or not at all. `fields` lists the *names* of changed fields; a
 * personal value never goes into an event.
 * @throws Error when the event name is not a dot-name such as `members.member.created`.
 */
export async function recordAudit(
  db: Db,
  at: Date,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await recordAuditBatch(db, at, actor, [entry]);
}

/** What one audit event says. */
export interface AuditEntry {
  event: string;
  memberId?: string | null;
  objectId?: string | null;
  fields?: readonly string[];
}

/**
 * Appends many audit events at once (an import), in chunks below the databases' parameter
 * limits. Same contract as {@link recordAudit}.
 */
const AUDIT_COLUMNS: ColumnTypes<Insertable<AuditEventsTable>> = {
  id: 'text',
  occurred_at: 'text',
  event: 'text',
  actor_type: 'text',
  actor_id: 'text',
  member_id: 'text',
  object_id: 'text',
  fields: 'text',
};

export async function recordAuditBatch(
  db: Db,
  at: Date,
  actor: Actor,
  entries: readonly AuditEntry[],
): Promise<void> {
  for (const entry of entries) {
    if (!EVENT_NAME.test(entry.event)) throw new Error(`invalid audit event name: ${entry.event}`);
  }
  await insertMany(
    db,
    'audit_events',
    AUDIT_COLUMNS,
    entries.map((entry) => ({
      id: newId(),
      occurred_at: at.toISOString(),
      event: entry.event,
      actor_type: actor.type,
      actor_id: actor.id,
      member_id: entry.memberId ?? null,
      object_id: entry.objectId ?? null,
      fields: entry.fields && entry.fields.length > 0 ? JSON.stringify(entry.fields) : null,
    })),
    { sqliteChunk: 1000 },
  );
}

/** Every audit event about one member, oldest first. */
export async function listAuditForMember(db: Db, memberId: string): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    event: row.event,
    actorType: row.actor_type,
    actorId: row.actor_id,
    memberId: row.member_id,
    objectId: row.object_id,
    fields: row.fields ? (JSON.parse(row.fields) as string[]) : [],
  }));
}
