import { recordAudit, recordAuditBatch, type Actor } from '../core/audit/index.ts';
import type { DataCategory } from '../core/config/vocabulary.ts';
import type { Deps } from '../core/deps.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { parseOrThrow } from '../core/validation.ts';
import {
  deleteDisclosures,
  disclosureIdsReceivedBefore,
  findDisclosure,
  insertDisclosure,
  listDisclosureFacts,
  listDisclosureRows,
  oldestDisclosureReceivedOn,
  updateDisclosureRow,
  type DisclosureRow,
} from './disclosures.repo.ts';
import {
  AUTHORITY_KINDS,
  DisclosureInput,
  OUTCOMES,
  type AuthorityKind,
  type NotInformedReason,
  type Outcome,
  type RequestKind,
} from './disclosures.schema.ts';

/** One entry of the register as the board sees it. */
export interface Disclosure {
  id: string;
  receivedOn: string;
  authorityKind: AuthorityKind;
  legalBasis: string;
  requested: RequestKind[];
  formallyCorrect: boolean;
  outcome: Outcome;
  handedOver: DataCategory[];
  answeredOn: string | null;
  subjectInformedOn: string | null;
  notInformedReason: NotInformedReason | null;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: DisclosureRow): Disclosure {
  return {
    id: row.id,
    receivedOn: row.received_on,
    authorityKind: row.authority_kind as AuthorityKind,
    legalBasis: row.legal_basis,
    requested: JSON.parse(row.requested) as RequestKind[],
    formallyCorrect: row.formally_correct === 1,
    outcome: row.outcome as Outcome,
    handedOver: JSON.parse(row.handed_over) as DataCategory[],
    answeredOn: row.answered_on,
    subjectInformedOn: row.subject_informed_on,
    notInformedReason: row.not_informed_reason as NotInformedReason | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

type RegisterDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

/**
 * Validates the input against the schema and the declaration: a hand-over may go only to an
 * authority kind the declaration lists in `transparency.disclosureRecipients` (what the policy
 * promises), and only data categories some activity declares can have been handed over.
 * @throws ValidationError `disclosure_invalid` naming every problem.
 */
function checkedInput(deps: RegisterDeps, raw: unknown): DisclosureInput {
  const input = parseOrThrow(DisclosureInput, raw, 'disclosure_invalid', 'The entry is not valid.');
  const issues: { path: string; message: string }[] = [];
  const allowed: readonly string[] = deps.config.transparency?.disclosureRecipients ?? [];
  if (input.outcome === 'disclosed' && !allowed.includes(input.authorityKind))
    issues.push({
      path: 'authorityKind',
      message: `the declaration allows disclosures only to ${allowed.length > 0 ? allowed.join(', ') : 'nobody'} (transparency.disclosureRecipients)`,
    });
  const declared = new Set(deps.config.activities.flatMap((activity) => activity.data));
  input.handedOver.forEach((category, index) => {
    if (!declared.has(category))
      issues.push({ path: `handedOver.${index}`, message: `"${category}" is not declared data` });
  });
  if (input.receivedOn > deps.clock.now().toISOString().slice(0, 10))
    issues.push({ path: 'receivedOn', message: 'is in the future' });
  if (issues.length > 0)
    throw new ValidationError('disclosure_invalid', 'The entry is not valid.', issues);
  return input;
}

function columns(input: DisclosureInput, now: string): Omit<DisclosureRow, 'id' | 'created_at'> {
  return {
    received_on: input.receivedOn,
    authority_kind: input.authorityKind,
    legal_basis: input.legalBasis,
    requested: JSON.stringify([...new Set(input.requested)]),
    formally_correct: input.formallyCorrect ? 1 : 0,
    outcome: input.outcome,
    handed_over: JSON.stringify([...new Set(input.handedOver)]),
    answered_on: input.answeredOn,
    subject_informed_on: input.subjectInformedOn,
    not_informed_reason: input.notInformedReason,
    updated_at: now,
  };
}

/**
 * Records a request from an authority, with its audit entry `transparency.disclosure.recorded`
 * in the same transaction. Returns the new id.
 * @throws ValidationError `disclosure_invalid`.
 */
export async function recordDisclosure(
  deps: RegisterDeps,
  actor: Actor,
  raw: unknown,
): Promise<string> {
  const input = checkedInput(deps, raw);
  const at = deps.clock.now();
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await insertDisclosure(trx, {
      id,
      created_at: at.toISOString(),
      ...columns(input, at.toISOString()),
    });
    await recordAudit(trx, at, actor, { event: 'transparency.disclosure.recorded', objectId: id });
  });
  return id;
}

/**
 * Replaces the facts of a request (e.g. once the person concerned has been told), audited as
 * `transparency.disclosure.updated` with the names of the changed fields.
 * @throws NotFoundError `disclosure_not_found`; ValidationError `disclosure_invalid`.
 */
export async function updateDisclosure(
  deps: RegisterDeps,
  actor: Actor,
  id: string,
  raw: unknown,
): Promise<void> {
  const input = checkedInput(deps, raw);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const before = await findDisclosure(trx, id);
    if (!before) throw new NotFoundError('disclosure_not_found', 'There is no such entry.');
    const values = columns(input, at.toISOString());
    const changed = (Object.keys(values) as (keyof typeof values)[]).filter(
      (key) => key !== 'updated_at' && values[key] !== before[key],
    );
    if (changed.length === 0) return;
    await updateDisclosureRow(trx, id, values);
    await recordAudit(trx, at, actor, {
      event: 'transparency.disclosure.updated',
      objectId: id,
      fields: changed,
    });
  });
}

/** Every entry, newest received first (board only). */
export async function listDisclosures(deps: Pick<Deps, 'db'>): Promise<Disclosure[]> {
  return (await listDisclosureRows(deps.db)).map(fromRow);
}

/**
 * One entry.
 * @throws NotFoundError `disclosure_not_found`.
 */
export async function getDisclosure(deps: Pick<Deps, 'db'>, id: string): Promise<Disclosure> {
  const row = await findDisclosure(deps.db, id);
  if (!row) throw new NotFoundError('disclosure_not_found', 'There is no such entry.');
  return fromRow(row);
}

/** The requests of one calendar year, counted; nothing that identifies a request or a person. */
export interface DisclosureYear {
  year: number;
  requests: number;
  byAuthority: Record<AuthorityKind, number>;
  byOutcome: Record<Outcome, number>;
  /** Requests that were not formally correct. */
  formallyIncorrect: number;
  /** Requests after which the person concerned was told. */
  subjectInformed: number;
}

/** The yearly figures of the register, for the public page and the signed statement. */
export interface DisclosureCounts {
  /** Newest year first; only years with requests. */
  years: DisclosureYear[];
}

/**
 * Counts the register per calendar year of receipt, by kind of authority and by outcome.
 * Public: holds counts only.
 */
export async function disclosureCounts(deps: Pick<Deps, 'db'>): Promise<DisclosureCounts> {
  const years = new Map<number, DisclosureYear>();
  for (const row of await listDisclosureFacts(deps.db)) {
    const year = Number(row.received_on.slice(0, 4));
    let entry = years.get(year);
    if (!entry) {
      entry = {
        year,
        requests: 0,
        byAuthority: Object.fromEntries(AUTHORITY_KINDS.map((kind) => [kind, 0])) as Record<
          AuthorityKind,
          number
        >,
        byOutcome: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<
          Outcome,
          number
        >,
        formallyIncorrect: 0,
        subjectInformed: 0,
      };
      years.set(year, entry);
    }
    entry.requests += 1;
    entry.byAuthority[row.authority_kind as AuthorityKind] += 1;
    entry.byOutcome[row.outcome as Outcome] += 1;
    if (row.formally_correct !== 1) entry.formallyIncorrect += 1;
    if (row.subject_informed_on) entry.subjectInformed += 1;
  }
  return { years: [...years.values()].sort((a, b) => b.year - a.year) };
}

/**
 * The retention job of the register: deletes requests received before `cutoff` (`YYYY-MM-DD`)
 * in batches, each batch with its `transparency.disclosure.deleted` entries. Idempotent.
 * Returns how many went and the day of the oldest one kept.
 */
export async function purgeDisclosures(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  cutoff: string,
  options: { dryRun: boolean },
): Promise<{ removed: number; oldestKept: string | null }> {
  let removed = 0;
  for (;;) {
    const ids = await disclosureIdsReceivedBefore(deps.db, cutoff, 500);
    if (ids.length === 0 || options.dryRun) {
      if (options.dryRun) removed = ids.length;
      break;
    }
    await deps.db.transaction().execute(async (trx) => {
      removed += await deleteDisclosures(trx, ids);
      await recordAuditBatch(
        trx,
        deps.clock.now(),
        actor,
        ids.map((id) => ({ event: 'transparency.disclosure.deleted', objectId: id })),
      );
    });
    if (ids.length < 500) break;
  }
  return { removed, oldestKept: await oldestDisclosureReceivedOn(deps.db) };
}
