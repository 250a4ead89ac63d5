import { recordAudit, recordAuditBatch, type Actor } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import type { JournalEntry } from '../core/erasure-journal.ts';
import { addDuration, subtractDuration, type Duration } from '../core/duration.ts';
import { listFeesOf, sumBookingsOf } from './contributions.repo.ts';
import { balanceOf, computeDues } from './dues.ts';
import {
  anonymiseAuditOf,
  blankMemberFields,
  blankUnlinkedBankRows,
  eraseMemberRecords,
  ERASABLE_COLUMNS,
  findMemberRow,
  listErasedWithoutAnonymisation,
  listFormerMembersHolding,
  listFormerMembersLeftBy,
  membersWithAccount,
  oldestExit,
  oldestExitHolding,
  type ErasableField,
  type FormerMember,
} from './erasure.repo.ts';
import { derivedColumns } from './members.repo.ts';
import { clubToday } from './members.service.ts';

/**
 * Staged erasure of former members (members-and-law.md §3.6, §6.1): at the exit, what no law
 * requires goes at once and the rest is restricted (treasurer only, out of search, mail and
 * exports); when the statutory period ends, the rest goes and the bookings stay, unlinked.
 * Every function here is idempotent and batched, and returns counts, never data.
 */
export interface StageResult {
  /** Members (or records) erased, or that would be in a dry run. */
  removed: number;
  /** The start date of the oldest item kept that this stage is responsible for. */
  oldestKeptAt: string | null;
  /** A note for the proof page (counts only). */
  note?: string;
}

export { ERASABLE_COLUMNS, type ErasableField };

const BATCH = 1000;

/** `date` (YYYY-MM-DD) + duration, as a date. */
function plus(date: string, duration: Duration): string {
  return addDuration(new Date(`${date}T00:00:00Z`), duration)
    .toISOString()
    .slice(0, 10);
}

/** The first day after the calendar year of `date`: where periods of § 147 Abs. 4 AO start. */
export function endOfYear(date: string): string {
  return `${Number(date.slice(0, 4)) + 1}-01-01`;
}

/** `date` − duration, as a date (the latest start that is due today). */
function minus(date: string, duration: Duration): string {
  return subtractDuration(new Date(`${date}T00:00:00Z`), duration)
    .toISOString()
    .slice(0, 10);
}

/**
 * Erases `fields` of every member who left at least `keep` ago. With `holdWhileOwed`, a member
 * who still owes contributions keeps these fields (to be reminded) until the debt is paid or
 * `holdWhileOwed` after the end of the exit year has passed (§§ 195, 199 BGB).
 */
export async function eraseFieldsOfFormerMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'journal'>,
  actor: Actor,
  options: {
    fields: readonly ErasableField[];
    keep: Duration;
    holdWhileOwed?: Duration | undefined;
    dryRun: boolean;
  },
): Promise<StageResult> {
  const today = clubToday(deps);
  const leftBy = minus(today, options.keep);
  let removed = 0;
  const held: string[] = [];
  const erased: string[] = [];
  let after: string | null = null;
  for (;;) {
    const batch = await listFormerMembersHolding(deps.db, options.fields, leftBy, BATCH, after);
    if (batch.length === 0) break;
    after = batch.at(-1)?.id ?? null;
    const owed = options.holdWhileOwed
      ? await arrearsOf(
          deps,
          batch.map((member) => member.row),
        )
      : new Map<string, number>();
    const due: FormerMember[] = [];
    for (const member of batch) {
      const holdEnds = options.holdWhileOwed
        ? plus(endOfYear(member.leftOn), options.holdWhileOwed)
        : today;
      if ((owed.get(member.id) ?? 0) > 0 && holdEnds > today) held.push(member.id);
      else due.push(member);
    }
    removed += due.length;
    erased.push(...due.map((member) => member.id));
    if (!options.dryRun && due.length > 0) await blankBatch(deps, actor, due, options.fields);
  }
  // Members held while they owe are reported in the note; anything else still holding the
  // fields (in a dry run: also what this run would have erased) is what the age refers to.
  const oldestKeptAt = await oldestExitHolding(
    deps.db,
    options.fields,
    options.dryRun ? [...held, ...erased] : held,
  );
  return {
    removed,
    oldestKeptAt,
    ...(held.length > 0 ? { note: `${held.length} kept while contributions are owed` } : {}),
  };
}

/**
 * Stage 1 for one batch of former members in one transaction: the fields blanked, one audit
 * event per member naming the fields it held, one journal entry per member (one fsync).
 */
async function blankBatch(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  members: readonly FormerMember[],
  fields: readonly ErasableField[],
): Promise<void> {
  const at = deps.clock.now();
  const blanked = members.map((member) => {
    const remaining = { ...member.values };
    for (const field of fields) remaining[field] = null;
    return {
      id: member.id,
      derived: derivedColumns({
        memberNumber: member.row.member_number,
        firstName: member.row.first_name,
        lastName: member.row.last_name,
        email: remaining.email ?? null,
        city: remaining.city ?? null,
      }),
      complete: Object.values(remaining).every((value) => !value),
    };
  });
  await deps.db.transaction().execute(async (trx) => {
    await blankMemberFields(trx, blanked, fields, at.toISOString());
    await recordAuditBatch(
      trx,
      at,
      actor,
      members.map((member) => ({
        event: 'members.erasure.fields',
        memberId: member.id,
        fields: fields.filter(
          (field) => member.values[field] !== null && member.values[field] !== undefined,
        ),
      })),
    );
    await deps.journal.recordAll(
      at,
      members.map((member) => ({ kind: 'members.fields', id: member.id, fields })),
    );
  });
}

async function arrearsOf(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  rows: { id: string; joined_on: string; left_on: string | null }[],
): Promise<Map<string, number>> {
  const ids = rows.map((row) => row.id);
  const [fees, sums] = await Promise.all([listFeesOf(deps.db, ids), sumBookingsOf(deps.db, ids)]);
  const today = clubToday(deps);
  return new Map(
    rows.map((row) => {
      const balance = balanceOf(
        sums.get(row.id) ?? 0,
        computeDues(fees.get(row.id) ?? [], row.joined_on, row.left_on, today),
      );
      return [row.id, Math.max(0, -balance)];
    }),
  );
}

/**
 * The final stage: `keep` after the exit (counted from the end of the exit year with
 * `roundUp`), every remaining record of the person goes; the bookings stay for the books,
 * unlinked and without free text. A member who still has an account waits for its deletion.
 * Bank lines never linked to a member are blanked after the same period from their booking.
 */
export async function eraseRecordsOfFormerMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'journal'>,
  actor: Actor,
  options: { keep: Duration; roundUp: boolean; dryRun: boolean },
): Promise<StageResult> {
  const today = clubToday(deps);
  const start = (leftOn: string) => (options.roundUp ? endOfYear(leftOn) : leftOn);
  const due = (leftOn: string) => plus(start(leftOn), options.keep) <= today;
  let removed = 0;
  let waiting = 0;
  let after: string | null = null;
  for (;;) {
    // Every former member is looked at; `due` decides (the year-end rounding makes a date
    // bound in SQL awkward, and former members are few).
    const batch = await listFormerMembersLeftBy(deps.db, today, BATCH, after);
    if (batch.length === 0) break;
    after = batch.at(-1)?.id ?? null;
    const ripe = batch.filter((member) => due(member.leftOn)).map((member) => member.id);
    const withAccount = await membersWithAccount(deps.db, ripe);
    const ids = ripe.filter((id) => !withAccount.has(id));
    waiting += withAccount.size;
    removed += ids.length;
    if (options.dryRun || ids.length === 0) continue;
    const at = deps.clock.now();
    await deps.db.transaction().execute(async (trx) => {
      await eraseMemberRecords(trx, ids);
      await recordAuditBatch(
        trx,
        at,
        actor,
        ids.map((memberId) => ({ event: 'members.erasure.final', memberId })),
      );
      await deps.journal.recordAll(
        at,
        ids.map((id) => ({ kind: 'members.final', id })),
      );
    });
  }
  // Bank lines of nobody: the same period, from the end of their booking year.
  const bookedBy = minus(today, options.keep);
  const unlinked = await blankUnlinkedBankRows(
    deps.db,
    options.roundUp ? `${Number(bookedBy.slice(0, 4)) - 1}-12-31` : bookedBy,
    options.dryRun,
  );
  const oldest = await oldestExit(deps.db);
  const notes = [
    waiting > 0 ? `${waiting} wait for their account to be deleted` : '',
    unlinked > 0 ? `${unlinked} unassigned bank lines blanked` : '',
  ].filter(Boolean);
  return {
    removed,
    oldestKeptAt: oldest === null ? null : start(oldest),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

/**
 * Anonymises the audit trail of finally erased former members (actor ids blanked, events
 * kept): `delay` after the final erasure (the difference between the audit rule's period and
 * the records' period; zero when they are equal).
 */
export async function anonymiseAuditOfErasedMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  options: { delay: Duration; dryRun: boolean },
): Promise<StageResult> {
  const due = await listErasedWithoutAnonymisation(
    deps.db,
    subtractDuration(deps.clock.now(), options.delay).toISOString(),
  );
  if (!options.dryRun) {
    for (let start = 0; start < due.length; start += BATCH) {
      const ids = due.slice(start, start + BATCH).map((entry) => entry.memberId);
      const at = deps.clock.now();
      await deps.db.transaction().execute(async (trx) => {
        await anonymiseAuditOf(trx, ids);
        await recordAuditBatch(
          trx,
          at,
          actor,
          ids.map((memberId) => ({ event: 'members.audit.anonymised', memberId })),
        );
        await deps.journal.recordAll(
          at,
          ids.map((id) => ({ kind: 'members.audit', id })),
        );
      });
    }
  }
  const dueIds = new Set(due.map((entry) => entry.memberId));
  const waiting = (await listErasedWithoutAnonymisation(deps.db, '9999-12-31')).filter(
    (entry) => !dueIds.has(entry.memberId),
  );
  return {
    removed: due.length,
    oldestKeptAt: waiting.map((entry) => entry.erasedAt).sort()[0] ?? null,
  };
}

/**
 * Carries out again, after a restore, an erasure of the journal (`members.fields`,
 * `members.final`, `members.audit`), with the audit event the original wrote, dated as the
 * original. Idempotent: what is gone already stays gone and nothing is recorded twice.
 * Returns whether it changed anything.
 */
export async function replayMemberErasure(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entry: JournalEntry,
): Promise<boolean> {
  const at = new Date(entry.at);
  const row = await findMemberRow(deps.db, entry.id);
  if (!row) return false;
  if (entry.kind === 'members.fields') {
    const fields = (entry.fields ?? []).filter(
      (field): field is ErasableField => field in ERASABLE_COLUMNS,
    );
    const held = fields.filter((field) => row[ERASABLE_COLUMNS[field]] !== null);
    if (held.length === 0) return false;
    const remaining = Object.fromEntries(
      Object.entries(ERASABLE_COLUMNS).map(([field, column]) => [
        field,
        fields.includes(field as ErasableField) ? null : row[column],
      ]),
    );
    const derived = derivedColumns({
      memberNumber: row.member_number,
      firstName: row.first_name,
      lastName: row.last_name,
      email: remaining['email'] ?? null,
      city: remaining['city'] ?? null,
    });
    const complete = Object.values(remaining).every((value) => !value);
    await deps.db.transaction().execute(async (trx) => {
      await blankMemberFields(trx, [{ id: row.id, derived, complete }], fields, entry.at);
      await recordAudit(trx, at, actor, {
        event: 'members.erasure.fields',
        memberId: row.id,
        fields: held,
      });
    });
    return true;
  }
  if (entry.kind === 'members.final') {
    await deps.db.transaction().execute(async (trx) => {
      await eraseMemberRecords(trx, [row.id]);
      await recordAudit(trx, at, actor, { event: 'members.erasure.final', memberId: row.id });
    });
    return true;
  }
  return false;
}

/** Replays `members.audit`: the actors of an erased member's audit events blanked again. */
export async function replayAuditAnonymisation(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entry: JournalEntry,
): Promise<boolean> {
  const pending = await listErasedWithoutAnonymisation(deps.db, '9999-12-31');
  if (!pending.some((item) => item.memberId === entry.id)) return false;
  await deps.db.transaction().execute(async (trx) => {
    await anonymiseAuditOf(trx, [entry.id]);
    await recordAudit(trx, new Date(entry.at), actor, {
      event: 'members.audit.anonymised',
      memberId: entry.id,
    });
  });
  return true;
}
