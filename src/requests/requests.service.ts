import type { Deps } from '../core/deps.ts';
import { localDate } from '../core/clock.ts';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { newId } from '../core/ids.ts';
import { dueDate } from './deadline.ts';
import { RequestError } from './requests.errors.ts';
import { findRequest, insertRequest, listRequestRows } from './requests.repo.ts';
import {
  REQUEST_CHANNELS,
  REQUEST_KINDS,
  type LedgerRequest,
  type NewRequest,
  type RequestKind,
  type RequestState,
} from './requests.types.ts';

/** What the ledger's services use. */
export type RequestDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'log' | 'mailer' | 'messages'>;

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
      return 'awaiting-confirmation';
    case 'unknown':
      return 'awaiting-verification';
  }
}

/**
 * Records a request in the ledger, with its deadline (one month from receipt, Art. 12(3)) and
 * its audit entry in one transaction. A request from a registered address waits for the
 * confirmation link (its clock paused from receipt); an unknown sender's waits for the board.
 * @throws RequestError `requests.invalid_kind` / `requests.invalid_input` on bad input.
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
  if (input.identity.kind === 'board' && input.identity.how.trim() === '') {
    throw new RequestError('requests.how_required', 'say how the board verified the person');
  }
  const id = newId();
  const now = deps.clock.now().toISOString();
  const receivedOn = localDate(input.receivedAt, deps.config.club.timeZone);
  const dueOn = dueDate(receivedOn);
  const state = initialState(input);
  const identity = input.identity;
  const memberId = identity.kind === 'unknown' ? null : identity.memberId;
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
    await recordAudit(trx, deps.clock.now(), actor, {
      event: 'requests.request.recorded',
      memberId,
      objectId: id,
      fields: ['kind', 'channel', 'identity'],
    });
  });
  return { id, dueOn };
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
