import type { Deps } from '../core/deps.ts';
import { localDate } from '../core/clock.ts';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { formatDate, translator } from '../core/i18n/index.ts';
import {
  accountAddresses,
  approveAccount,
  createAccount,
  deleteAccount,
  getAccountOfMember,
} from '../accounts/index.ts';
import { buildAccessReport } from '../access/index.ts';
import { keysOfMember, publishKeyDirectly, removeKeyByAddress } from '../keys/index.ts';
import { getMember, markMemberRestricted, MEMBER_FIELDS, updateMember } from '../members/index.ts';
import { sendAnswer } from './answers.ts';
import { RequestError } from './requests.errors.ts';
import { requestsMessages } from './requests.messages.ts';
import { closeRequest, getRequest, type RequestDeps } from './requests.service.ts';
import type { LedgerRequest } from './requests.types.ts';

/** What the board may add when approving. */
export interface ApproveOptions {
  /** The username of an account request, when the request names none (or to correct it). */
  username?: string | undefined;
  /** What was done, for kinds treff cannot execute itself (rectification, objection, other). */
  note?: string | undefined;
}

/** How an approved request ended, stored as its outcome and told to the requester. */
export interface Execution {
  /** A short machine-readable outcome (`account.created`, `report.encrypted`, …). */
  outcome: string;
  /** The sentence for the requester's answer (already translated). */
  answer: string;
}

function requireMember(request: LedgerRequest): string {
  if (!request.memberId) {
    throw new RequestError('requests.no_member', 'the request is not linked to a member');
  }
  return request.memberId;
}

/** The published WKD key of a member's club address, as an OpenPGP.js key, if any. */
async function publishedKey(deps: Pick<Deps, 'db'>, memberId: string) {
  const key = (await keysOfMember(deps, memberId)).find((k) => k.state === 'published');
  if (!key) return undefined;
  const openpgp = await import('openpgp');
  const read = await openpgp.readKey({ binaryKey: key.key });
  if (!(read instanceof openpgp.PublicKey)) throw new Error('expected a public key');
  return read;
}

async function encrypt(text: string, key: import('openpgp').PublicKey, now: Date) {
  const openpgp = await import('openpgp');
  const armored: unknown = await openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: key,
    date: now,
    format: 'armored',
  });
  if (typeof armored !== 'string') throw new Error('OpenPGP.js returned no armored message');
  return armored;
}

async function execute(
  deps: RequestDeps,
  actor: Actor,
  request: LedgerRequest,
  options: ApproveOptions,
): Promise<Execution> {
  const t = translator(request.lang, requestsMessages);
  switch (request.kind) {
    case 'account.create': {
      const memberId = requireMember(request);
      const existing = await getAccountOfMember(deps, memberId);
      if (existing?.status === 'requested') {
        const { account } = await approveAccount(deps, actor, existing.id);
        return {
          outcome: 'account.created',
          answer: t('requests.answer.accountCreated', { username: account.username }),
        };
      }
      if (existing) {
        // Approved in the accounts page meanwhile: nothing left to do.
        return {
          outcome: 'account.exists',
          answer: t('requests.answer.accountCreated', { username: existing.username }),
        };
      }
      const username = options.username?.trim() || request.username;
      if (!username) {
        throw new RequestError('requests.invalid_input', 'give the username of the new account');
      }
      const { account } = await createAccount(deps, actor, memberId, username);
      return {
        outcome: 'account.created',
        answer: t('requests.answer.accountCreated', { username: account.username }),
      };
    }
    case 'account.delete': {
      const account = await getAccountOfMember(deps, requireMember(request));
      if (!account) return { outcome: 'account.none', answer: t('requests.answer.noAccount') };
      await deleteAccount(deps, actor, account.id);
      return { outcome: 'account.deleted', answer: t('requests.answer.accountDeleted') };
    }
    case 'key.publish': {
      const memberId = requireMember(request);
      const account = await getAccountOfMember(deps, memberId);
      const address = account ? accountAddresses(deps.config, account.username).mail : null;
      if (!request.key || !address) {
        return {
          outcome: 'key.portal',
          answer: t('requests.answer.keyPortal', { link: `${deps.config.publicUrl}/me` }),
        };
      }
      const result = await publishKeyDirectly(deps, actor, address, request.key, {
        recordFingerprint: true,
      });
      if ('kind' in result) {
        return { outcome: 'key.revoked', answer: t('requests.answer.keyRevoked') };
      }
      return { outcome: 'key.published', answer: t('requests.answer.keyPublished', { address }) };
    }
    case 'key.remove': {
      const keys = await keysOfMember(deps, requireMember(request));
      const addresses = [...new Set(keys.map((key) => key.address))];
      for (const address of addresses) await removeKeyByAddress(deps, actor, address);
      return {
        outcome: addresses.length > 0 ? 'key.removed' : 'key.none',
        answer: t(addresses.length > 0 ? 'requests.answer.keyRemoved' : 'requests.answer.noKey'),
      };
    }
    case 'access': {
      const memberId = requireMember(request);
      const report = await buildAccessReport(deps, actor, { includeRestricted: true }, memberId);
      const key = await publishedKey(deps, memberId);
      const member = await getMember(deps, { includeRestricted: true }, memberId);
      const to = member.email;
      if (key && to) {
        // Encrypted to the member's published key: the report may travel by mail.
        const armored = await encrypt(JSON.stringify(report, null, 2), key, deps.clock.now());
        await deps.mailer.send({
          to,
          subject: t('requests.mail.report.subject', { club: deps.config.club.name }),
          text: armored,
          headers: { 'Auto-Submitted': 'auto-replied' },
        });
        return { outcome: 'report.encrypted', answer: t('requests.answer.reportEncrypted') };
      }
      return {
        outcome: 'report.portal',
        answer: t('requests.answer.reportPortal', { link: `${deps.config.publicUrl}/me/data` }),
      };
    }
    case 'restriction': {
      const memberId = requireMember(request);
      const at = deps.clock.now();
      await deps.db.transaction().execute(async (trx) => {
        await markMemberRestricted(trx, memberId, at.toISOString());
        await recordAudit(trx, at, actor, {
          event: 'members.member.restricted',
          memberId,
          objectId: request.id,
          fields: ['restricted_at'],
        });
      });
      return { outcome: 'member.restricted', answer: t('requests.answer.restricted') };
    }
    case 'erasure': {
      // Starts the erasure: the membership ends today, account and keys go now, and the
      // retention engine erases the registry data when the declared periods have run (what a
      // legal duty keeps is only restricted meanwhile, Art. 17(3)(b)).
      const memberId = requireMember(request);
      const member = await getMember(deps, { includeRestricted: true }, memberId);
      const today = localDate(deps.clock.now(), deps.config.club.timeZone);
      if (!member.leftOn || member.leftOn > today) {
        const input = Object.fromEntries(MEMBER_FIELDS.map((f) => [f, member[f] ?? '']));
        await updateMember(deps, actor, memberId, { ...input, leftOn: today });
      }
      const account = await getAccountOfMember(deps, memberId);
      if (account) await deleteAccount(deps, actor, account.id);
      for (const address of new Set((await keysOfMember(deps, memberId)).map((k) => k.address))) {
        await removeKeyByAddress(deps, actor, address);
      }
      return {
        outcome: 'erasure.started',
        answer: t('requests.answer.erasureStarted', { date: formatDate(today, request.lang) }),
      };
    }
    case 'rectification':
    case 'objection':
    case 'other': {
      const note = options.note?.trim();
      if (!note) {
        throw new RequestError(
          'requests.not_executable',
          'treff cannot do this itself: do it, then approve with a note of what was done',
        );
      }
      return { outcome: 'manual', answer: note };
    }
  }
}

/**
 * Approves a verified request: runs what the kind asks for through the modules that own it
 * (accounts, keys, access report, registry), closes the request with its outcome and answers
 * the requester in their language (RFC 3834; never an auto-submitted request). Nothing runs for
 * a request whose requester is not verified.
 * @throws RequestError `requests.unverified` (awaiting confirmation or verification),
 *   `requests.closed`, `requests.no_member`, `requests.not_executable`,
 *   `requests.invalid_input`, `requests.not_found`; and the errors of the module functions
 *   (the request then stays open).
 */
export async function approveRequest(
  deps: RequestDeps,
  actor: Actor,
  id: string,
  options: ApproveOptions = {},
): Promise<{ request: LedgerRequest; execution: Execution; mailed: boolean }> {
  const request = await getRequest(deps, id);
  if (request.state === 'done' || request.state === 'denied') {
    throw new RequestError('requests.closed', 'the request is already closed');
  }
  if (request.state !== 'open' || request.verifiedAt === null) {
    throw new RequestError(
      'requests.unverified',
      'the requester is not verified: nothing is executed until they are',
    );
  }
  const execution = await execute(deps, actor, request, options);
  await closeRequest(deps, actor, request, 'done', execution.outcome);
  let mailed = false;
  if (request.replyTo !== null && !request.autoSubmitted) {
    const t = translator(request.lang, requestsMessages);
    mailed = await sendAnswer(deps, {
      to: request.replyTo,
      subject: t('requests.mail.done.subject', { club: deps.config.club.name }),
      text: t('requests.mail.done.body', {
        club: deps.config.club.name,
        kind: t(`requests.kind.${request.kind}`),
        answer: execution.answer,
      }),
    });
  }
  return { request: await getRequest(deps, id), execution, mailed };
}
