import { recordAudit, recordAuditBatch, type Actor } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { subtractDuration, parseDuration } from '../core/duration.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import { deliverMail } from '../core/mail/delivery.ts';
import { latestMailRun, leaseCutoff, mailRunRunning, startMailRun } from '../core/mail/runs.ts';
import { translator } from '../core/i18n/index.ts';
import { parseOrThrow } from '../core/validation.ts';
import {
  CLI_VISIBILITY,
  centsToDecimal,
  clubToday,
  getAccount,
  getMemberByNumber,
} from '../members/index.ts';
import { endedOn, lapsesOn, statusOn, type MandateStatus } from './mandates.ts';
import { buildPain008, type Debit } from './pain008.ts';
import { requireBankDetails } from './sepa.gate.ts';
import { sepaMessages } from './sepa.messages.ts';
import {
  claimItemNotice,
  deleteMandates,
  findCollection,
  membersInCollectionsDueFrom,
  findMandate,
  insertCollection,
  insertMandate,
  listCollections,
  listItemsOf,
  listItemsOfMember,
  listMandatesOf,
  listMandatesWithMembers,
  listOrphanMandateIds,
  markCollectionExported,
  markMandatesCollected,
  referenceTaken,
  settleItemNotice,
  revokeMandateRow,
  type CollectionItemRow,
  type CollectionRow,
  type MandateRow,
  type MandateWithMember,
} from './sepa.repo.ts';
import { CollectionInput, MandateInput } from './sepa.schema.ts';

type SepaDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

/** A mandate as the board's list shows it. */
export interface MandateView extends MandateWithMember {
  status: MandateStatus;
  lapsesOn: string;
}

/**
 * Records a signed mandate. Validates IBAN and BIC (ibantools), the reference's characters and
 * that it is unused, and that the signature is not in the future.
 * @throws ForbiddenError `bank_details_not_declared`; ValidationError `mandate_invalid`;
 * NotFoundError `member_not_found`; ConflictError `mandate_reference_taken`.
 */
export async function addMandate(
  deps: SepaDeps,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<MandateRow> {
  requireBankDetails(deps.config);
  const input = parseOrThrow(MandateInput, raw, 'mandate_invalid', 'The mandate is not valid.');
  const today = clubToday(deps);
  if (input.signedOn > today)
    throw new ValidationError('mandate_invalid', 'The mandate is not valid.', [
      { path: 'signedOn', message: 'lies in the future' },
    ]);
  const member = await getMemberByNumber(deps, CLI_VISIBILITY, input.memberNumber);
  const at = deps.clock.now().toISOString();
  const row: MandateRow = {
    id: newId(),
    member_id: member.id,
    reference: input.reference,
    iban: input.iban,
    bic: input.bic,
    holder: input.holder,
    signed_on: input.signedOn,
    sequence: input.sequence,
    last_collected_on: null,
    revoked_on: null,
    created_at: at,
    updated_at: at,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (await referenceTaken(trx, row.reference))
      throw new ConflictError('mandate_reference_taken', 'This mandate reference is taken.', [
        { path: 'reference', message: 'is already used by another mandate' },
      ]);
    await insertMandate(trx, row);
    await recordAudit(trx, deps.clock.now(), actor, {
      event: 'sepa.mandate.added',
      memberId: member.id,
      objectId: row.id,
      fields: ['iban', 'bic', 'holder', 'reference', 'signedOn', 'sequence'],
    });
  });
  return row;
}

/**
 * Records that a member revoked a mandate (from `revokedOn`, default today). Idempotent for an
 * already revoked mandate. @throws NotFoundError `mandate_not_found`.
 */
export async function revokeMandate(
  deps: SepaDeps,
  actor: Actor,
  id: string,
  revokedOn?: string,
): Promise<void> {
  requireBankDetails(deps.config);
  const mandate = await findMandate(deps.db, id);
  if (!mandate) throw new NotFoundError('mandate_not_found', 'There is no such mandate.');
  await deps.db.transaction().execute(async (trx) => {
    const changed = await revokeMandateRow(
      trx,
      id,
      revokedOn ?? clubToday(deps),
      deps.clock.now().toISOString(),
    );
    if (changed)
      await recordAudit(trx, deps.clock.now(), actor, {
        event: 'sepa.mandate.revoked',
        memberId: mandate.member_id,
        objectId: id,
      });
  });
}

/** Every mandate with its status today. */
export async function listMandates(deps: SepaDeps): Promise<MandateView[]> {
  requireBankDetails(deps.config);
  const today = clubToday(deps);
  return (await listMandatesWithMembers(deps.db)).map((mandate) => ({
    ...mandate,
    status: statusOn(mandate, mandate.left_on, today),
    lapsesOn: lapsesOn(mandate),
  }));
}

/** A collection run with its debits and their pre-notifications. */
export interface CollectionView extends CollectionRow {
  items: (CollectionItemRow & { memberNumber: string; name: string })[];
}

/** Every collection run, newest due date first. */
export async function listCollectionRuns(deps: SepaDeps): Promise<CollectionView[]> {
  requireBankDetails(deps.config);
  const mandates = new Map((await listMandatesWithMembers(deps.db)).map((m) => [m.id, m]));
  const runs = await listCollections(deps.db);
  return Promise.all(
    runs.map(async (run) => ({
      ...run,
      items: (await listItemsOf(deps.db, run.id)).map((item) => {
        const mandate = mandates.get(item.mandate_id);
        return {
          ...item,
          memberNumber: mandate?.member_number ?? '',
          name: mandate ? `${mandate.first_name} ${mandate.last_name}` : '',
        };
      }),
    })),
  );
}

/** The earliest due date a collection announced today may have. */
export function earliestDueDate(deps: Pick<Deps, 'clock' | 'config'>): string {
  const days = deps.config.members.directDebit?.preNotificationDays ?? 14;
  const today = clubToday(deps);
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Plans a collection on `dueOn` and records it: one debit per mandate that is valid on that
 * day, of the member's arrears today, each with its pre-notification `pending`. The due date
 * must be at least the declared `preNotificationDays` ahead. `key`, when given, is the id of
 * the collection (the idempotency key of the board's form): a second call with the same key
 * (a double click, the form sent again) records nothing and answers `started: false`.
 * @throws ValidationError `collection_invalid` (date, nothing to collect, a malformed key).
 */
export async function recordCollection(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  raw: Record<string, unknown>,
  key?: string,
): Promise<{ id: string; started: boolean }> {
  requireBankDetails(deps.config);
  if (key !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(key))
    throw new ValidationError('collection_invalid', 'The form is not valid; reload the page.', [
      { path: 'runKey', message: 'expected the key of the form' },
    ]);
  if (key !== undefined && (await findCollection(deps.db, key))) return { id: key, started: false };
  const { dueOn } = parseOrThrow(
    CollectionInput,
    raw,
    'collection_invalid',
    'The collection is not valid.',
  );
  const earliest = earliestDueDate(deps);
  if (dueOn < earliest)
    throw new ValidationError('collection_invalid', 'The collection is not valid.', [
      {
        path: 'dueOn',
        message: `must be on or after ${earliest}: members are told ${deps.config.members.directDebit?.preNotificationDays ?? 14} days ahead`,
      },
    ]);
  const usable = (await listMandatesWithMembers(deps.db)).filter(
    (mandate) => statusOn(mandate, mandate.left_on, dueOn) === 'active',
  );
  const run: CollectionRow = {
    id: key ?? newId(),
    message_id: `TREFF-${dueOn.replace(/-/g, '')}-${newId().slice(-8).toUpperCase()}`,
    due_on: dueOn,
    created_at: deps.clock.now().toISOString(),
    created_by: actor.id ?? actor.type,
    exported_at: null,
  };
  // Arrears go down only when the bank's statement books the debit: whoever is in a collection
  // still to come is left out, or two forms (two tabs, two board members) would debit twice.
  const pending = await membersInCollectionsDueFrom(deps.db, clubToday(deps));
  const items: CollectionItemRow[] = [];
  for (const mandate of usable) {
    if (pending.has(mandate.member_id)) continue;
    const account = await getAccount(deps, CLI_VISIBILITY, mandate.member_id);
    if (account.arrearsCents <= 0) continue;
    if (items.some((item) => item.member_id === mandate.member_id)) continue;
    items.push({
      collection_id: run.id,
      mandate_id: mandate.id,
      member_id: mandate.member_id,
      amount_cents: account.arrearsCents,
      sequence: mandate.sequence,
      end_to_end_id: `${run.message_id.slice(6)}-${mandate.member_number}`
        .replace(/[^A-Za-z0-9+?/\-:().,']/g, '-')
        .slice(0, 35),
      notice: 'pending',
      noticed_at: null,
    });
  }
  if (items.length === 0)
    throw new ValidationError('collection_invalid', 'There is nothing to collect.', [
      {
        path: 'dueOn',
        message:
          pending.size > 0
            ? `no member with a valid mandate owes anything that is not in a collection still to come (${pending.size} are)`
            : 'no member with a valid mandate owes anything',
      },
    ]);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertCollection(trx, run, items);
      await recordAuditBatch(trx, deps.clock.now(), actor, [
        { event: 'sepa.collection.announced', objectId: run.id },
      ]);
    });
  } catch (error) {
    // The same form, sent twice at once: the other request recorded it.
    if (key !== undefined && isUniqueViolation(error)) return { id: key, started: false };
    throw error;
  }
  return { id: run.id, started: true };
}

/**
 * Announces a collection in the foreground (the CLI): records it ({@link recordCollection}),
 * then mails each member the pre-notification (amount, due date, mandate reference, creditor
 * identifier). Mails go after the commit; each debit records its notice.
 * @throws as {@link recordCollection}.
 */
export async function announceCollection(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<CollectionView> {
  const { id } = await recordCollection(deps, actor, raw);
  await sendPreNotifications(deps, id);
  return collectionView(deps, id);
}

/**
 * Announces a collection from the board's form: records it under the form's key and starts
 * its pre-notifications after the answer ({@link startPreNotificationRun}). The same form sent
 * again records nothing and joins the run, or starts one for notices still pending.
 * @returns the collection's id. @throws as {@link recordCollection}.
 */
export async function startCollection(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'background'>,
  actor: Actor,
  raw: Record<string, unknown>,
  key: string,
): Promise<string> {
  const { id } = await recordCollection(deps, actor, raw, key);
  await startPreNotificationRun(deps, actor, id);
  return id;
}

/** What the progress page of a collection's pre-notifications names. */
export const preNotificationRunSubject = (id: string) => `sepa:${id}`;

/**
 * Starts mailing a collection's pre-notifications still due after the HTTP answer, or joins
 * the run that mails them now. @throws NotFoundError `collection_not_found`.
 */
export async function startPreNotificationRun(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'background'>,
  actor: Actor,
  collectionId: string,
): Promise<{ runId: string; started: boolean }> {
  requireBankDetails(deps.config);
  if (!(await findCollection(deps.db, collectionId)))
    throw new NotFoundError('collection_not_found', 'There is no such collection.');
  return startMailRun(
    deps,
    {
      subject: preNotificationRunSubject(collectionId),
      startedBy: `${actor.type}:${actor.id ?? '-'}`,
      name: 'sepa.pre-notifications',
    },
    async (beat) => {
      await sendPreNotifications(deps, collectionId, beat);
    },
  );
}

/** How far the pre-notifications of a collection are, for its progress page. */
export interface PreNotificationProgress {
  collection: CollectionView;
  /** Whether a run is mailing now (the page reloads itself until it is not). */
  running: boolean;
  total: number;
  /** Sent, or in the outbox. */
  told: number;
  noAddress: number;
  failed: number;
  /** Pending or being sent. */
  open: number;
}

/** The counts of a collection's pre-notifications. @throws NotFoundError `collection_not_found`. */
export async function preNotificationProgress(
  deps: SepaDeps,
  collectionId: string,
): Promise<PreNotificationProgress> {
  const collection = await collectionView(deps, collectionId);
  const run = await latestMailRun(deps, preNotificationRunSubject(collectionId));
  const count = (...notices: string[]) =>
    collection.items.filter((item) => notices.includes(item.notice)).length;
  return {
    collection,
    running: mailRunRunning(deps, run),
    total: collection.items.length,
    told: count('sent', 'queued'),
    noAddress: count('noAddress'),
    failed: count('failed'),
    open: count('pending', 'sending'),
  };
}

async function collectionView(deps: SepaDeps, collectionId: string): Promise<CollectionView> {
  const view = (await listCollectionRuns(deps)).find((entry) => entry.id === collectionId);
  if (!view) throw new NotFoundError('collection_not_found', 'There is no such collection.');
  return view;
}

/**
 * Mails the pre-notification of every debit of `collectionId` still pending or failed. Each
 * debit is claimed first ({@link claimItemNotice}: its notice becomes `sending` in one
 * statement), so a reload, a retry or a second run beside this one never mails a member twice.
 * A notice stuck in `sending` (the process died between the claim and the outcome) stays out
 * of the file; once the claim is older than the mail lease (`MAIL_LEASE_MS`, ten minutes) the
 * next send claims it again, so only a crash in the instant between the mail server's
 * acceptance and the outcome's write can tell a member twice. Returns how many went out.
 */
export async function sendPreNotifications(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  collectionId: string,
  beat: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  const run = await findCollection(deps.db, collectionId);
  const debit = deps.config.members.directDebit;
  if (!run || !debit) return 0;
  const mandates = new Map((await listMandatesWithMembers(deps.db)).map((m) => [m.id, m]));
  let sent = 0;
  for (const item of await listItemsOf(deps.db, collectionId)) {
    if (item.notice !== 'pending' && item.notice !== 'failed' && item.notice !== 'sending')
      continue;
    const key = { collectionId, mandateId: item.mandate_id };
    if (!(await claimItemNotice(deps.db, key, deps.clock.now().toISOString(), leaseCutoff(deps))))
      continue;
    const mandate = mandates.get(item.mandate_id);
    if (!mandate?.email) {
      await settleItemNotice(deps.db, key, 'noAddress', deps.clock.now().toISOString());
      await beat();
      continue;
    }
    const outcome = await deliverMail(deps, {
      to: mandate.email,
      ref: item.member_id,
      subject: preNotificationSubject(deps, run.due_on),
      text: preNotificationText(deps, run, item, mandate),
    });
    await settleItemNotice(deps.db, key, outcome.status, deps.clock.now().toISOString());
    if (outcome.status !== 'failed') sent += 1;
    await beat();
  }
  return sent;
}

function creditorName(config: SepaDeps['config']): string {
  return (config.members.directDebit?.creditorName ?? config.club.name).slice(0, 70);
}

function preNotificationSubject(deps: SepaDeps, dueOn: string): string {
  const de = translator('de', sepaMessages);
  const en = translator('en', sepaMessages);
  const params = { club: deps.config.club.name, dueOn };
  return `${de('sepa.mail.subject', params)} / ${en('sepa.mail.subject', params)}`;
}

/** The pre-notification in German, then English: what, how much, when, under which mandate. */
function preNotificationText(
  deps: SepaDeps,
  run: CollectionRow,
  item: CollectionItemRow,
  mandate: MandateWithMember,
): string {
  const debit = deps.config.members.directDebit;
  const params = {
    name: `${mandate.first_name} ${mandate.last_name}`,
    club: deps.config.club.name,
    amount: `${centsToDecimal(item.amount_cents)} ${deps.config.members.currency}`,
    dueOn: run.due_on,
    iban: `${mandate.iban.slice(0, 4)} … ${mandate.iban.slice(-4)}`,
    reference: mandate.reference,
    creditorId: debit?.creditorId ?? '',
    contact: deps.config.club.contacts.board,
  };
  return (['de', 'en'] as const)
    .map((lang) => translator(lang, sepaMessages)('sepa.mail.text', params))
    .join('\n\n----\n\n');
}

/**
 * The pain.008.001.08 file of a run: the debits whose member was told (mail sent or queued);
 * debits without a notice are left out and named by the caller from the run's items. The
 * first export marks the mandates used on the due date (FRST becomes RCUR, the 36 months
 * start again); a later export gives the same file.
 * @throws NotFoundError `collection_not_found`; ValidationError `collection_empty`.
 */
export async function collectionFile(
  deps: SepaDeps,
  actor: Actor,
  collectionId: string,
): Promise<{ fileName: string; xml: string; left: number }> {
  requireBankDetails(deps.config);
  const debit = deps.config.members.directDebit;
  const run = await findCollection(deps.db, collectionId);
  if (!run || !debit)
    throw new NotFoundError('collection_not_found', 'There is no such collection.');
  const mandates = new Map((await listMandatesWithMembers(deps.db)).map((m) => [m.id, m]));
  const items = await listItemsOf(deps.db, collectionId);
  const told = items.filter((item) => item.notice === 'sent' || item.notice === 'queued');
  const debits: Debit[] = told.flatMap((item) => {
    const mandate = mandates.get(item.mandate_id);
    if (!mandate) return [];
    return [
      {
        debtorName: mandate.holder,
        iban: mandate.iban,
        bic: mandate.bic,
        mandateReference: mandate.reference,
        mandateSignedOn: mandate.signed_on,
        amountCents: item.amount_cents,
        sequence: item.sequence,
        endToEndId: item.end_to_end_id,
        remittance:
          `${creditorName(deps.config)} ${deps.config.members.numberLabel.de} ${mandate.member_number}`.slice(
            0,
            140,
          ),
      },
    ];
  });
  if (debits.length === 0)
    throw new ValidationError('collection_empty', 'No member of this collection was told in time.');
  const xml = buildPain008({
    messageId: run.message_id,
    createdAt: new Date(run.created_at),
    dueOn: run.due_on,
    creditor: {
      name: creditorName(deps.config),
      creditorId: debit.creditorId,
      iban: debit.iban,
      bic: debit.bic,
    },
    debits,
  });
  if (run.exported_at === null) {
    await deps.db.transaction().execute(async (trx) => {
      await markCollectionExported(trx, run.id, deps.clock.now().toISOString());
      await markMandatesCollected(
        trx,
        told.map((item) => item.mandate_id),
        run.due_on,
        deps.clock.now().toISOString(),
      );
      await recordAudit(trx, deps.clock.now(), actor, {
        event: 'sepa.collection.exported',
        objectId: run.id,
      });
    });
  }
  return {
    fileName: `${run.message_id}.pain.008.001.08.xml`,
    xml,
    left: items.length - told.length,
  };
}

/** A member's mandates and debits, for the Art. 15 report. */
export async function mandatesOfMember(
  deps: Pick<Deps, 'db'>,
  memberId: string,
): Promise<{ mandates: MandateRow[]; debits: (CollectionItemRow & { due_on: string })[] }> {
  const [mandates, debits] = await Promise.all([
    listMandatesOf(deps.db, memberId),
    listItemsOfMember(deps.db, memberId),
  ]);
  return { mandates, debits };
}

/**
 * The retention job of the mandates: deletes every mandate (with its debits) whose end — the
 * revocation, the lapse after 36 months without a collection or the member's exit, never
 * before the last collection — lies more than `keep` back (the declared 14 months:
 * notes/members-and-law.md §3.3, the 13-month refund window for unauthorised debits plus
 * a margin), and mandates whose member is gone. Idempotent.
 */
export async function sweepEndedMandates(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  keep: string,
  dryRun: boolean,
): Promise<{ removed: number; oldestKept: string | null }> {
  const period = parseDuration(keep);
  if (!period) throw new Error(`not a duration: ${keep}`);
  const today = clubToday(deps);
  const cutoff = subtractDuration(new Date(`${today}T00:00:00Z`), period)
    .toISOString()
    .slice(0, 10);
  const mandates = await listMandatesWithMembers(deps.db);
  const due = mandates.filter((mandate) => {
    const ended = endedOn(mandate, mandate.left_on, today);
    return ended !== null && ended <= cutoff;
  });
  const ids = [...due.map((mandate) => mandate.id), ...(await listOrphanMandateIds(deps.db))];
  const kept = mandates.filter((mandate) => !ids.includes(mandate.id));
  const oldestKept = kept.map((mandate) => mandate.created_at).sort()[0] ?? null;
  if (dryRun || ids.length === 0) return { removed: dryRun ? ids.length : 0, oldestKept };
  const removed = await deps.db.transaction().execute(async (trx) => {
    const count = await deleteMandates(trx, ids);
    await recordAuditBatch(
      trx,
      deps.clock.now(),
      actor,
      due.map((mandate) => ({
        event: 'sepa.mandate.deleted',
        memberId: mandate.member_id,
        objectId: mandate.id,
      })),
    );
    return count;
  });
  return { removed, oldestKept };
}
