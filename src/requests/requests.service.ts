import { unlink } from 'node:fs/promises';
import type { Updateable } from 'kysely';
import type { Deps } from '../core/deps.ts';
import type { RequestsTable } from '../core/db/schema.ts';
import { localDate } from '../core/clock.ts';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { translator, formatDate } from '../core/i18n/index.ts';
import { hashToken, newId, newToken } from '../core/ids.ts';
import { getMember } from '../members/index.ts';
import { sendAnswer } from './answers.ts';
import { daysBetween, dueDate } from './deadline.ts';
import { RequestError } from './requests.errors.ts';
import { requestsMessages } from './requests.messages.ts';
import {
  clearMailFile,
  closedRequestsWithMail,
  deleteRequestsClosedBefore,
  findRequest,
  findUsableConfirmation,
  insertConfirmation,
  insertRequest,
  listRequestRows,
  updateRequest,
  useConfirmation,
} from './requests.repo.ts';
import {
  REQUEST_CHANNELS,
  REQUEST_KINDS,
  type LedgerRequest,
  type NewRequest,
  type RequestKind,
  type RequestState,
} from './requests.types.ts';

/** What the ledger's services use. */
export type RequestDeps = Pick<
  Deps,
  'db' | 'clock' | 'config' | 'log' | 'mailer' | 'secret' | 'accountHasher' | 'journal'
>;

/** How long a confirmation link is valid. */
export const CONFIRMATION_DAYS = 7;

/** The states in which a request is still open (not closed). */
export const OPEN_STATES: readonly RequestState[] = [
  'awaiting-confirmation',
  'awaiting-verification',
  'open',
];

/** True when `value` is one of {@link REQUEST_KINDS}. */
export function isRequestKind(value: string): value is RequestKind {
  return (REQUEST_KINDS as readonly string[]).includes(value);
}

function initialState(input: NewRequest): RequestState {
  switch (input.identity.kind) {
    case 'signed':
    case 'portal':
    case 'board':
      return 'open';
    case 'registered-address':
      // An auto-submitted mail gets no answer, so no link either: the board verifies.
      return input.autoSubmitted === true ? 'awaiting-verification' : 'awaiting-confirmation';
    case 'unknown':
      return 'awaiting-verification';
  }
}

function receivedOn(deps: Pick<Deps, 'config'>, request: Pick<LedgerRequest, 'receivedAt'>) {
  return localDate(new Date(request.receivedAt), deps.config.club.timeZone);
}

/** The texts of `lang` with the club's name filled in where asked. */
function texts(lang: 'de' | 'en') {
  return translator(lang, requestsMessages);
}

/** Whether an answer may go to this request's requester at all (RFC 3834 §2). */
function answerable(request: LedgerRequest): request is LedgerRequest & { replyTo: string } {
  return request.replyTo !== null && !request.autoSubmitted;
}

/**
 * Records a request in the ledger, with its deadline (one month from receipt, Art. 12(3)) and
 * its audit entry in one transaction. A request from a registered address gets a one-time
 * confirmation link mailed to that registered address (its clock paused from receipt); an
 * unknown sender's waits for the board. A mailed request that is not auto-submitted gets one
 * acknowledgement. Mail failures never undo the record.
 * @throws RequestError `requests.invalid_kind`, `requests.invalid_input`,
 *   `requests.how_required` on bad input.
 */
export async function recordRequest(
  deps: RequestDeps,
  actor: Actor,
  input: NewRequest,
): Promise<{ id: string; dueOn: string }> {
  if (!isRequestKind(input.kind)) {
    throw new RequestError('requests.invalid_kind', `unknown request kind: ${String(input.kind)}`);
  }
  if (!(REQUEST_CHANNELS as readonly string[]).includes(input.channel)) {
    throw new RequestError('requests.invalid_input', 'unknown channel');
  }
  if (Number.isNaN(input.receivedAt.getTime())) {
    throw new RequestError('requests.invalid_input', 'receivedAt is not a time');
  }
  if (input.identity.kind === 'board' && input.identity.how.trim() === '') {
    throw new RequestError('requests.how_required', 'say how the board verified the person');
  }
  const id = newId();
  const at = deps.clock.now();
  const now = at.toISOString();
  const dueOn = dueDate(localDate(input.receivedAt, deps.config.club.timeZone));
  const state = initialState(input);
  const identity = input.identity;
  const memberId = identity.kind === 'unknown' ? null : identity.memberId;
  const token = state === 'awaiting-confirmation' ? newToken() : null;
  await deps.db.transaction().execute(async (trx) => {
    await insertRequest(trx, {
      id,
      kind: input.kind,
      channel: input.channel,
      state,
      lang: input.lang === 'en' ? 'en' : 'de',
      member_id: memberId,
      identity: identity.kind,
      fingerprint: identity.kind === 'signed' ? identity.fingerprint : null,
      verified_how: identity.kind === 'board' ? identity.how.trim() : null,
      verified_at: state === 'open' ? now : null,
      reply_to: input.replyTo,
      mail_file: input.mailFile ?? null,
      subject: input.subject ?? null,
      username: input.username?.trim() || null,
      key_data: input.key ?? null,
      auto_submitted: input.autoSubmitted === true ? 1 : 0,
      received_at: input.receivedAt.toISOString(),
      due_on: dueOn,
      extended_due_on: null,
      extension_reason: null,
      paused_since: state === 'awaiting-confirmation' ? input.receivedAt.toISOString() : null,
      paused_days: 0,
      outcome: null,
      closed_at: null,
      created_at: now,
      updated_at: now,
    });
    if (token) {
      await insertConfirmation(trx, {
        id: hashToken(token),
        requestId: id,
        createdAt: now,
        expiresAt: new Date(at.getTime() + CONFIRMATION_DAYS * 86_400_000).toISOString(),
      });
    }
    await recordAudit(trx, at, actor, {
      event: 'requests.request.recorded',
      memberId,
      objectId: id,
      fields: ['kind', 'channel', 'identity'],
    });
  });
  const request = await getRequest(deps, id);
  if (token && memberId) await mailConfirmation(deps, request, memberId, token);
  else if (request.channel === 'mail' && answerable(request)) {
    const t = texts(request.lang);
    await sendAnswer(deps, {
      to: request.replyTo,
      subject: t('requests.mail.ack.subject', { club: deps.config.club.name }),
      text: t('requests.mail.ack.body', {
        club: deps.config.club.name,
        kind: t(`requests.kind.${request.kind}`),
        due: formatDate(request.dueOn, request.lang),
        verify:
          request.state === 'open'
            ? ''
            : t('requests.mail.ack.verify', { club: deps.config.club.name }),
      }),
    });
  }
  return { id, dueOn };
}

/** Mails the confirmation link to the member's registered address (never to the From). */
async function mailConfirmation(
  deps: RequestDeps,
  request: LedgerRequest,
  memberId: string,
  token: string,
): Promise<void> {
  const member = await getMember(deps, { includeRestricted: true }, memberId);
  if (!member.email) return;
  const t = texts(request.lang);
  await sendAnswer(deps, {
    to: member.email,
    subject: t('requests.mail.confirm.subject', { club: deps.config.club.name }),
    text: t('requests.mail.confirm.body', {
      name: member.firstName,
      club: deps.config.club.name,
      kind: t(`requests.kind.${request.kind}`),
      link: `${deps.config.publicUrl}/requests/confirm/${token}`,
      days: CONFIRMATION_DAYS,
    }),
  });
}

/**
 * One request.
 * @throws RequestError `requests.not_found`.
 */
export async function getRequest(deps: Pick<Deps, 'db'>, id: string): Promise<LedgerRequest> {
  const request = await findRequest(deps.db, id);
  if (!request) throw new RequestError('requests.not_found', 'no such request');
  return request;
}

/** The requests in `states` (all when empty), oldest first. */
export async function listRequests(
  deps: Pick<Deps, 'db'>,
  states: readonly RequestState[] = [],
): Promise<LedgerRequest[]> {
  return listRequestRows(deps.db, states);
}

/** True when a confirmation token is usable now (the GET page shows its button only then). */
export async function confirmationIsUsable(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<boolean> {
  return (
    (await findUsableConfirmation(deps.db, hashToken(token), deps.clock.now().toISOString())) !==
    undefined
  );
}

/**
 * The pause of a request that waited for its confirmation, ended now: the clock starts again
 * on the day of confirmation, so the due date moves by the calendar days between receipt and
 * confirmation (club time zone), and the working-day rule applies to the moved end.
 */
function endPause(
  deps: Pick<Deps, 'config' | 'clock'>,
  request: LedgerRequest,
): Updateable<RequestsTable> {
  if (!request.pausedSince) return {};
  const today = localDate(deps.clock.now(), deps.config.club.timeZone);
  const paused = Math.max(
    0,
    daysBetween(localDate(new Date(request.pausedSince), deps.config.club.timeZone), today),
  );
  const pausedDays = request.pausedDays + paused;
  return {
    paused_since: null,
    paused_days: pausedDays,
    due_on: dueDate(receivedOn(deps, request), 1, pausedDays),
  };
}

/**
 * Confirms a request with the token of its mailed link (the POST of the confirmation page):
 * single use, within {@link CONFIRMATION_DAYS}. The request becomes verified and its clock runs
 * again. Returns the request, or null when the token is unknown, used or expired.
 */
export async function confirmRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  token: string,
): Promise<LedgerRequest | null> {
  const at = deps.clock.now();
  const hash = hashToken(token);
  const id = await deps.db.transaction().execute(async (trx) => {
    const confirmation = await findUsableConfirmation(trx, hash, at.toISOString());
    if (!confirmation) return null;
    if (!(await useConfirmation(trx, hash, at.toISOString()))) return null;
    const request = await findRequest(trx, confirmation.requestId);
    if (request?.state !== 'awaiting-confirmation') return null;
    await updateRequest(trx, request.id, ['awaiting-confirmation'], {
      state: 'open',
      verified_at: at.toISOString(),
      updated_at: at.toISOString(),
      ...endPause(deps, request),
    });
    await recordAudit(
      trx,
      at,
      { type: 'member', id: request.memberId },
      {
        event: 'requests.request.confirmed',
        memberId: request.memberId,
        objectId: request.id,
        fields: ['state', 'due_on'],
      },
    );
    return request.id;
  });
  return id ? getRequest(deps, id) : null;
}

/** Loads an open (not closed) request. */
async function openRequest(deps: Pick<Deps, 'db'>, id: string): Promise<LedgerRequest> {
  const request = await getRequest(deps, id);
  if (!OPEN_STATES.includes(request.state)) {
    throw new RequestError('requests.closed', 'the request is already closed');
  }
  return request;
}

/**
 * Records that the board verified the requester by other means (Art. 12(6)) and how; the
 * request becomes open for a decision, a paused clock runs again. Optionally links the member.
 * @throws RequestError `requests.how_required`, `requests.closed`, `requests.not_found`.
 */
export async function verifyRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  id: string,
  input: { how: string; memberId?: string | undefined },
): Promise<LedgerRequest> {
  const how = input.how.trim();
  if (how === '' || how.length > 500) {
    throw new RequestError('requests.how_required', 'say how the person was verified');
  }
  const request = await openRequest(deps, id);
  const memberId = input.memberId ?? request.memberId;
  if (memberId) await getMember(deps, { includeRestricted: true }, memberId);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateRequest(trx, id, OPEN_STATES, {
      state: 'open',
      verified_how: how,
      verified_at: at.toISOString(),
      member_id: memberId,
      updated_at: at.toISOString(),
      ...endPause(deps, request),
    });
    await recordAudit(trx, at, actor, {
      event: 'requests.request.verified',
      memberId,
      objectId: id,
      fields: ['state', 'verified_how', ...(memberId !== request.memberId ? ['member_id'] : [])],
    });
  });
  return getRequest(deps, id);
}

/**
 * Changes the kind of an open request (the board corrects the classification).
 * @throws RequestError `requests.invalid_kind`, `requests.closed`, `requests.not_found`.
 */
export async function changeRequestKind(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
  kind: string,
): Promise<LedgerRequest> {
  if (!isRequestKind(kind))
    throw new RequestError('requests.invalid_kind', `unknown kind: ${kind}`);
  const request = await openRequest(deps, id);
  if (request.kind === kind) return request;
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateRequest(trx, id, OPEN_STATES, { kind, updated_at: at.toISOString() });
    await recordAudit(trx, at, actor, {
      event: 'requests.request.kind_changed',
      memberId: request.memberId,
      objectId: id,
      fields: ['kind'],
    });
  });
  return getRequest(deps, id);
}

/**
 * The reason the requester is told (an extension, a refusal): trimmed, 1 to 2,000 characters.
 * @throws RequestError `requests.reason_required`.
 */
function requiredReason(reason: string, what: string): string {
  const text = reason.trim();
  if (text === '' || text.length > 2000)
    throw new RequestError('requests.reason_required', `give the reason for ${what}`);
  return text;
}

/**
 * Extends the deadline by two months (Art. 12(3)) with a reason, which is mailed to the
 * requester in their language. Allowed once, and only until the original deadline: the
 * requester must learn of the extension within the first month.
 * @throws RequestError `requests.reason_required`, `requests.already_extended`,
 *   `requests.closed` (also when the original deadline has passed), `requests.not_found`.
 */
export async function extendRequest(
  deps: RequestDeps,
  actor: Actor,
  id: string,
  reason: string,
): Promise<{ request: LedgerRequest; mailed: boolean }> {
  const text = requiredReason(reason, 'the extension');
  const request = await openRequest(deps, id);
  if (request.extendedDueOn) {
    throw new RequestError('requests.already_extended', 'the deadline was already extended');
  }
  const today = localDate(deps.clock.now(), deps.config.club.timeZone);
  if (today > request.originalDueOn) {
    throw new RequestError(
      'requests.closed',
      'the deadline has passed; it can no longer be extended',
    );
  }
  const at = deps.clock.now();
  const extended = dueDate(receivedOn(deps, request), 3, request.pausedDays);
  await deps.db.transaction().execute(async (trx) => {
    await updateRequest(trx, id, OPEN_STATES, {
      extended_due_on: extended,
      extension_reason: text,
      updated_at: at.toISOString(),
    });
    await recordAudit(trx, at, actor, {
      event: 'requests.request.extended',
      memberId: request.memberId,
      objectId: id,
      fields: ['extended_due_on', 'extension_reason'],
    });
  });
  const updated = await getRequest(deps, id);
  let mailed = false;
  if (answerable(updated)) {
    const t = texts(updated.lang);
    mailed = await sendAnswer(deps, {
      to: updated.replyTo,
      subject: t('requests.mail.extended.subject', { club: deps.config.club.name }),
      text: t('requests.mail.extended.body', {
        club: deps.config.club.name,
        kind: t(`requests.kind.${updated.kind}`),
        due: formatDate(extended, updated.lang),
        reason: text,
      }),
    });
  }
  return { request: updated, mailed };
}

/**
 * Closes a request: state, outcome and time, and the raw mail and the requester's address go
 * (they were kept only until the request closes). The audit entry commits with it.
 */
export async function closeRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'log'>,
  actor: Actor,
  request: LedgerRequest,
  state: 'done' | 'denied',
  outcome: string,
): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const closed = await updateRequest(trx, request.id, OPEN_STATES, {
      state,
      outcome,
      closed_at: at.toISOString(),
      updated_at: at.toISOString(),
      paused_since: null,
      // Kept if the file cannot be deleted now: the retention job retries.
      mail_file: request.mailFile,
      reply_to: null,
      subject: null,
      key_data: null,
    });
    if (!closed) throw new RequestError('requests.closed', 'the request is already closed');
    await recordAudit(trx, at, actor, {
      event: state === 'done' ? 'requests.request.done' : 'requests.request.denied',
      memberId: request.memberId,
      objectId: request.id,
      fields: ['state', 'outcome'],
    });
  });
  if (request.mailFile) await deleteMailFile(deps, request.id, request.mailFile);
}

/**
 * Deletes the raw mail of a closed request and forgets its path; true when it is gone. A file
 * that cannot be deleted now (a permission problem) is logged and kept for the next try.
 */
export async function deleteMailFile(
  deps: Pick<Deps, 'db' | 'log'>,
  id: string,
  path: string,
): Promise<boolean> {
  try {
    await unlink(path);
    // The intake's sidecar beside the mail (intake.ts: kind, identity and its reason).
    if (path.endsWith('.eml')) await unlink(`${path.slice(0, -4)}.json`).catch(() => undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      deps.log.error({ err: error, event: 'requests.mail_file.kept' }, 'raw mail not deleted');
      return false;
    }
  }
  await clearMailFile(deps.db, id);
  return true;
}

/**
 * The retention of the request ledger (compiled from the declaration, src/retention/rules.ts):
 * the raw mails of closed requests whose deletion at closing failed, and, with `keep`, the
 * ledger rows of requests closed before `before`.
 */
export async function sweepClosedRequests(
  deps: Pick<Deps, 'db' | 'log'>,
  options: { what: 'mail' } | { what: 'ledger'; before: Date },
  dryRun: boolean,
): Promise<{ removed: number; oldestKeptAt: string | null }> {
  if (options.what === 'mail') {
    const left = await closedRequestsWithMail(deps.db);
    if (dryRun) return { removed: left.length, oldestKeptAt: null };
    let removed = 0;
    for (const row of left) if (await deleteMailFile(deps, row.id, row.mailFile)) removed++;
    return { removed, oldestKeptAt: null };
  }
  const result = await deleteRequestsClosedBefore(deps.db, options.before.toISOString(), dryRun);
  return { removed: result.removed, oldestKeptAt: result.oldestKept };
}

/**
 * Denies a request with a reason (Art. 12(4): the requester learns why and that they may
 * complain to the supervisory authority), closes it and mails the answer.
 * @throws RequestError `requests.reason_required`, `requests.closed`, `requests.not_found`.
 */
export async function denyRequest(
  deps: RequestDeps,
  actor: Actor,
  id: string,
  reason: string,
): Promise<{ request: LedgerRequest; mailed: boolean }> {
  const text = requiredReason(reason, 'the refusal');
  const request = await openRequest(deps, id);
  await closeRequest(deps, actor, request, 'denied', text);
  let mailed = false;
  if (answerable(request)) {
    const t = texts(request.lang);
    mailed = await sendAnswer(deps, {
      to: request.replyTo,
      subject: t('requests.mail.denied.subject', { club: deps.config.club.name }),
      text: t('requests.mail.denied.body', {
        club: deps.config.club.name,
        kind: t(`requests.kind.${request.kind}`),
        reason: text,
        authority: deps.config.club.supervisoryAuthority.name,
      }),
    });
  }
  return { request: await getRequest(deps, id), mailed };
}

/**
 * Records what a member did or asked for in the portal (an account request, a key publication,
 * a data export) in the ledger, identity `portal`. With `done`, the action has already been
 * carried out and the entry is closed at once with that outcome. Never throws: the portal
 * action has happened, a ledger failure is logged.
 */
export async function recordPortalRequest(
  deps: RequestDeps,
  actor: Actor,
  input: {
    memberId: string;
    kind: RequestKind;
    lang: 'de' | 'en';
    username?: string | undefined;
    done?: string | undefined;
  },
): Promise<void> {
  try {
    const { id } = await recordRequest(deps, actor, {
      kind: input.kind,
      channel: 'portal',
      receivedAt: deps.clock.now(),
      lang: input.lang,
      identity: { kind: 'portal', memberId: input.memberId },
      replyTo: null,
      username: input.username,
    });
    if (input.done) await closeRequest(deps, actor, await getRequest(deps, id), 'done', input.done);
  } catch (error) {
    deps.log.error({ err: error, event: 'requests.portal.failed' }, 'portal request not recorded');
  }
}
