import { randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { Db } from '../core/db/database.ts';
import type { Deps } from '../core/deps.ts';
import type { JournalEntry } from '../core/erasure-journal.ts';
import { addDuration, parseDuration } from '../core/duration.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.ts';
import { hashToken, newId } from '../core/ids.ts';
import { translator } from '../core/i18n/index.ts';
import { keysMessages } from './keys.messages.ts';
import { accountAddresses, getAccountByUsername, getAccountOfMember } from '../accounts/index.ts';
import {
  clubToday,
  getMember,
  listMembersByIds,
  MEMBER_FIELDS,
  updateMember,
} from '../members/index.ts';
import { checkKey, isKeyError, KeyError, recheckStoredKey, type CheckedKey } from './key-policy.ts';
import { encryptText, readBinaryKey } from './pgp.ts';
import {
  countWrongCode,
  deleteKeyRow,
  findKeyByAddress,
  findKeyById,
  findPendingByNonce,
  listKeysOfMember,
  listLapsedPending,
  listPublishedKeys,
  oldestKeyCreatedAt,
  publishRow,
  replacePending,
  type KeySource,
  type WkdKey,
} from './keys.repo.ts';
import { normaliseAddress, splitAddress, wkdHashOfAddress, zbase32 } from './zbase32.ts';
import { isActiveMember, ownerCheck } from './owners.ts';
import { keysChanged } from './export.ts';

export type { WkdKey, KeySource };

/** What the key functions need. */
export type KeysDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'log' | 'mailer' | 'journal'>;

/** Wrong codes allowed per pending request before it is dropped. */
export const MAX_CODE_ATTEMPTS = 5;

/** The WKD settings, or an error when the declaration has no WKD. */
export function wkdSettings(
  config: Deps['config'],
): NonNullable<Deps['config']['services']['wkd']> {
  const wkd = config.services.wkd;
  if (!wkd) throw new NotFoundError('wkd_disabled', 'This club publishes no Web Key Directory.');
  return wkd;
}

/**
 * A new one-time code or WKS nonce: 20 random bytes in z-base-32, 32 characters. GnuPG's
 * gpg-wks-client refuses nonces of 16 characters or fewer (wkd.md §1.5).
 */
export function newNonce(): string {
  return zbase32(randomBytes(20));
}

/**
 * The club address of a member: the mail address of their *active* account
 * (`username@services.mail.domain`), ASCII-lower-cased.
 * @throws NotFoundError `wkd_disabled`, `member_not_found`; ForbiddenError `member_not_active`,
 *   `account_not_active` (no account, or not active), `club_address_missing` (no mail service).
 */
export async function clubAddressOf(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  memberId: string,
): Promise<string> {
  const wkd = wkdSettings(deps.config);
  const member = await getMember(deps, { includeRestricted: true }, memberId);
  if (!isActiveMember(member, clubToday(deps)))
    throw new ForbiddenError('member_not_active', 'Only active members can publish a key.');
  const account = await getAccountOfMember(deps, memberId);
  if (account?.status !== 'active') {
    throw new ForbiddenError(
      'account_not_active',
      'A key is published for the mail address of your member account, and you have no active account.',
    );
  }
  const mail = accountAddresses(deps.config, account.username).mail;
  if (!mail || splitAddress(mail).domain !== wkd.domain) {
    throw new ForbiddenError(
      'club_address_missing',
      'The club has no mail addresses under its WKD domain.',
    );
  }
  return normaliseAddress(mail);
}

/**
 * The member whose club address is `address` (case-insensitive): the active member with an
 * active account of that username at the WKD domain.
 * @throws ValidationError `address_invalid`; NotFoundError `address_unknown`; ForbiddenError
 *   `member_not_active`, `account_not_active`.
 */
export async function memberOfAddress(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  address: string,
): Promise<{ memberId: string; address: string }> {
  const wkd = wkdSettings(deps.config);
  const normalised = normaliseAddress(address);
  let parts: { localPart: string; domain: string };
  try {
    parts = splitAddress(normalised);
  } catch {
    throw new ValidationError('address_invalid', `${address} is not a mail address.`);
  }
  if (parts.domain !== wkd.domain || deps.config.services.mail?.domain !== wkd.domain) {
    throw new NotFoundError(
      'address_unknown',
      `${address} is not a club address at ${wkd.domain}.`,
    );
  }
  let account;
  try {
    account = await getAccountByUsername(deps, parts.localPart);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new NotFoundError(
        'address_unknown',
        `${address} is not the address of a member account.`,
      );
    throw error;
  }
  if (account.status !== 'active')
    throw new ForbiddenError('account_not_active', `The account of ${address} is not active.`);
  const member = await getMember(deps, { includeRestricted: true }, account.memberId);
  if (!isActiveMember(member, clubToday(deps)))
    throw new ForbiddenError('member_not_active', `${address} belongs to a former member.`);
  return { memberId: member.id, address: normalised };
}

/**
 * Checks a submitted key for `address`. A revoked key whose fingerprint is the one published
 * for that address removes the published key (its owner signed the revocation, so anyone may
 * bring it): the directory must not keep offering a revoked key.
 * @returns the checked key, or `revoked` when the published key was removed.
 * @throws KeyError for every other refusal; nothing changes then.
 */
async function checkSubmittedKey(
  deps: KeysDeps,
  actor: Actor,
  memberId: string,
  address: string,
  input: string | Uint8Array,
): Promise<CheckedKey | 'revoked'> {
  try {
    return await checkKey(input, address, deps.clock.now());
  } catch (error) {
    if (isKeyError(error) && error.code === 'key_revoked' && error.fingerprint) {
      const published = await findKeyByAddress(deps.db, address, 'published');
      if (published?.fingerprint === error.fingerprint) {
        await removeRow(deps, actor, published, 'revoked');
        return 'revoked';
      }
    }
    throw error;
  }
}

/** The outcome of a key upload in the portal or by an admin. */
export type PublicationRequest =
  | {
      kind: 'pending';
      pending: WkdKey;
      /** The one-time code encrypted to the key (armored): the member decrypts it. */
      challenge: string;
      /** Whether the challenge was also mailed to the club address. */
      mailed: boolean;
    }
  | { kind: 'revoked' };

function confirmationTtlEnd(deps: Pick<Deps, 'config' | 'clock'>): string {
  const ttl = parseDuration(wkdSettings(deps.config).confirmationTtl);
  if (!ttl) throw new Error('services.wkd.confirmationTtl was validated at load');
  return addDuration(deps.clock.now(), ttl).toISOString();
}

/**
 * Stores `checked` as the pending publication of `address` under a new one-time code, with
 * its audit event, replacing an older pending request. Returns the code (never stored: only its
 * SHA-256 is). `guard` runs first in the same transaction and may throw to store nothing (the
 * WKS uses it to keep a pending request and to count its mails).
 */
export async function storePending(
  deps: KeysDeps,
  actor: Actor,
  memberId: string,
  address: string,
  checked: CheckedKey,
  source: KeySource,
  guard?: (trx: Db) => Promise<void>,
): Promise<{ pending: WkdKey; code: string }> {
  const code = newNonce();
  const id = newId();
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await guard?.(trx);
    await replacePending(trx, {
      id,
      memberId,
      address,
      hash: wkdHashOfAddress(address),
      fingerprint: checked.fingerprint,
      key: checked.binary,
      keyExpiresAt: checked.expiresAt?.toISOString() ?? null,
      source,
      at: at.toISOString(),
      nonceHash: hashToken(code),
      expiresAt: confirmationTtlEnd(deps),
    });
    await recordAudit(trx, at, actor, {
      event: 'keys.publication.requested',
      memberId,
      objectId: id,
    });
  });
  const pending = await findKeyById(deps.db, id);
  if (!pending) throw new Error('pending key vanished after insert');
  return { pending, code };
}

/**
 * Step 1 of publishing from the portal or by an admin on a member's request: checks the key
 * for the member's club address, stores it as pending and returns the one-time code encrypted
 * to the key. Only the holder of the private key can read the code (proof of possession);
 * when the account receives mail, the challenge is also mailed to the club address, where mail
 * clients such as Thunderbird decrypt it on their own.
 * @throws KeyError (nothing changes), and the errors of {@link clubAddressOf}.
 */
export async function requestPublication(
  deps: KeysDeps,
  actor: Actor,
  memberId: string,
  input: string | Uint8Array,
  source: 'portal' | 'admin',
): Promise<PublicationRequest> {
  const address = await clubAddressOf(deps, memberId);
  const checked = await checkSubmittedKey(deps, actor, memberId, address, input);
  if (checked === 'revoked') return { kind: 'revoked' };
  const { pending, code } = await storePending(deps, actor, memberId, address, checked, source);
  const member = await getMember(deps, { includeRestricted: true }, memberId);
  const t = translator(deps.config.club.defaultLanguage, keysMessages);
  const challenge = await encryptChallenge(
    checked.binary,
    t('mail.keyChallenge.code', { club: deps.config.club.name, code }),
    deps.clock.now(),
  );
  const account = await getAccountOfMember(deps, memberId);
  const mailed = account?.services.mail === true;
  if (mailed) {
    await deps.mailer.send({
      to: address,
      ref: memberId,
      subject: t('mail.keyChallenge.subject', { club: deps.config.club.name }),
      text: t('mail.keyChallenge.body', {
        name: member.firstName,
        link: `${deps.config.publicUrl}/me/keys`,
        challenge,
      }),
    });
  }
  return { kind: 'pending', pending, challenge, mailed };
}

/** Encrypts `text` to a binary public key, armored (not signed: it proves nothing about us). */
export async function encryptChallenge(key: Uint8Array, text: string, now: Date): Promise<string> {
  return encryptText(text, await readBinaryKey(key), now);
}

/** What {@link confirmPublication} did. */
export interface Publication {
  key: WkdKey;
  /** Whether the registry's fingerprint was set (only with consent). */
  fingerprintRecorded: boolean;
}

/**
 * Step 2: the member (or the admin they told) enters the decrypted code; a match publishes
 * the pending key, replacing the address's earlier key. The code works once; five wrong
 * codes drop the request; a lapsed request cannot be confirmed.
 * With `recordFingerprint` (the member's consent) the registry's OpenPGP fingerprint is set.
 * @throws NotFoundError `publication_not_found`; ValidationError `code_wrong`;
 *   ConflictError `code_attempts_exceeded`.
 */
export async function confirmPublication(
  deps: KeysDeps,
  actor: Actor,
  memberId: string,
  code: string,
  options: { recordFingerprint: boolean },
): Promise<Publication> {
  const address = await clubAddressOf(deps, memberId);
  const pending = await findKeyByAddress(deps.db, address, 'pending');
  const now = deps.clock.now().toISOString();
  if (!pending || pending.memberId !== memberId || (pending.expiresAt ?? '') < now) {
    throw new NotFoundError(
      'publication_not_found',
      'There is no key waiting for publication, or the request has lapsed. Please upload the key again.',
    );
  }
  const match = await findPendingByNonce(deps.db, hashToken(code.trim()));
  if (match?.id !== pending.id) {
    const attempts = await countWrongCode(deps.db, pending.id, now);
    if (attempts >= MAX_CODE_ATTEMPTS) {
      await removeRow(deps, actor, pending, 'attempts');
      throw new ConflictError(
        'code_attempts_exceeded',
        'Too many wrong codes: the request was dropped. Please upload the key again.',
      );
    }
    throw new ValidationError('code_wrong', 'This code is not right.', [
      { path: 'code', message: 'does not match the code encrypted to your key' },
    ]);
  }
  const key = await publishPending(deps, actor, pending);
  const fingerprintRecorded = options.recordFingerprint
    ? await recordFingerprint(deps, actor, memberId, key.fingerprint)
    : false;
  return { key, fingerprintRecorded };
}

/**
 * Publishes a pending row (its proof was given): one transaction replaces the published key
 * of the address, drops the pending row and writes `keys.key.published`.
 * @throws ConflictError `publication_not_found` when the row was used meanwhile (a replay).
 */
export async function publishPending(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  pending: WkdKey,
): Promise<WkdKey> {
  const id = newId();
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Deleting first makes a concurrent second use of the same code find nothing.
    if (!(await deleteKeyRow(trx, pending.id))) {
      throw new ConflictError('publication_not_found', 'This request has been used already.');
    }
    const replaced = await publishRow(trx, {
      id,
      memberId: pending.memberId,
      address: pending.address,
      hash: pending.hash,
      fingerprint: pending.fingerprint,
      key: pending.key,
      keyExpiresAt: pending.keyExpiresAt,
      source: pending.source,
      at: at.toISOString(),
    });
    // The member replaced that key: a restore must not publish it again.
    if (replaced) await deps.journal.record(at, { kind: 'keys.key', id: replaced });
    await recordAudit(trx, at, actor, {
      event: 'keys.key.published',
      memberId: pending.memberId,
      objectId: id,
    });
  });
  keysChanged();
  const key = await findKeyById(deps.db, id);
  if (!key) throw new Error('published key vanished after insert');
  return key;
}

/**
 * Sets the member's registry fingerprint (with their consent). A failure here does not undo
 * the publication; it is logged and reported as false.
 */
async function recordFingerprint(
  deps: KeysDeps,
  actor: Actor,
  memberId: string,
  fingerprint: string,
): Promise<boolean> {
  try {
    const member = await getMember(deps, { includeRestricted: false }, memberId);
    if (member.openpgpFingerprint === fingerprint) return true;
    const fields: Record<string, string> = {};
    for (const field of MEMBER_FIELDS) fields[field] = member[field] ?? '';
    fields['openpgpFingerprint'] = fingerprint;
    await updateMember(deps, actor, memberId, fields);
    return true;
  } catch (error) {
    deps.log.warn({ err: error, memberId }, 'keys: could not record the fingerprint');
    return false;
  }
}

/**
 * Publishes a key for `address` at once, like `gpg-wks-server --install-key`: the admin acts
 * on the member's request, so there is no proof-of-possession step; the key checks and the
 * minimisation are the same. Exactly one key per address: an earlier one is replaced.
 * @throws KeyError (nothing changes), and the errors of {@link memberOfAddress}.
 */
export async function publishKeyDirectly(
  deps: KeysDeps,
  actor: Actor,
  address: string,
  input: string | Uint8Array,
  options: { recordFingerprint: boolean; source?: KeySource },
): Promise<Publication | { kind: 'revoked' }> {
  const owner = await memberOfAddress(deps, address);
  const checked = await checkSubmittedKey(deps, actor, owner.memberId, owner.address, input);
  if (checked === 'revoked') return { kind: 'revoked' };
  const id = newId();
  const at = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      const replaced = await publishRow(trx, {
        id,
        memberId: owner.memberId,
        address: owner.address,
        hash: wkdHashOfAddress(owner.address),
        fingerprint: checked.fingerprint,
        key: checked.binary,
        keyExpiresAt: checked.expiresAt?.toISOString() ?? null,
        source: options.source ?? 'cli',
        at: at.toISOString(),
      });
      if (replaced) await deps.journal.record(at, { kind: 'keys.key', id: replaced });
      await recordAudit(trx, at, actor, {
        event: 'keys.key.published',
        memberId: owner.memberId,
        objectId: id,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError(
        'key_publish_conflict',
        'The key changed meanwhile; please try again.',
      );
    throw error;
  }
  keysChanged();
  const key = await findKeyById(deps.db, id);
  if (!key) throw new Error('published key vanished after insert');
  const fingerprintRecorded = options.recordFingerprint
    ? await recordFingerprint(deps, actor, owner.memberId, key.fingerprint)
    : false;
  return { key, fingerprintRecorded };
}

type RemovalReason =
  | 'request'
  | 'revoked'
  | 'expired'
  | 'invalid'
  | 'member_left'
  | 'account_inactive'
  | 'attempts'
  | 'lapsed';

async function removeRow(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  row: WkdKey,
  reason: RemovalReason,
): Promise<boolean> {
  const at = deps.clock.now();
  const removed = await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteKeyRow(trx, row.id))) return false;
    await recordAudit(trx, at, actor, {
      event:
        row.state === 'published'
          ? 'keys.key.removed'
          : reason === 'lapsed'
            ? 'keys.publication.lapsed'
            : 'keys.publication.dropped',
      memberId: row.memberId,
      objectId: row.id,
    });
    await deps.journal.record(at, { kind: 'keys.key', id: row.id });
    return true;
  });
  if (removed && row.state === 'published') keysChanged();
  return removed;
}

/**
 * Removes the published key of a member (portal, on their request), and a pending request.
 * Idempotent: without a key nothing happens. Returns whether a published key was removed.
 */
export async function removeKeyOfMember(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  memberId: string,
): Promise<boolean> {
  let removed = false;
  for (const row of await listKeysOfMember(deps.db, memberId)) {
    const gone = await removeRow(deps, actor, row, 'request');
    if (row.state === 'published') removed ||= gone;
  }
  return removed;
}

/**
 * Removes the published key with row id `id` (admin on the member's request).
 * @throws NotFoundError `key_not_found`.
 */
export async function removeKeyById(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  id: string,
): Promise<void> {
  const row = await findKeyById(deps.db, id);
  if (!row || !(await removeRow(deps, actor, row, 'request')))
    throw new NotFoundError('key_not_found', 'No such key.');
}

/**
 * Removes the key published for `address` (CLI, like `gpg-wks-server --remove-key`), and a
 * pending request for it. Works for former members' addresses too.
 * @throws NotFoundError `key_not_found` when nothing is published for the address.
 */
export async function removeKeyByAddress(
  deps: Pick<Deps, 'db' | 'clock' | 'journal'>,
  actor: Actor,
  address: string,
): Promise<void> {
  const normalised = normaliseAddress(address);
  const pending = await findKeyByAddress(deps.db, normalised, 'pending');
  if (pending) await removeRow(deps, actor, pending, 'request');
  const published = await findKeyByAddress(deps.db, normalised, 'published');
  if (!published || !(await removeRow(deps, actor, published, 'request')))
    throw new NotFoundError('key_not_found', `No key is published for ${address}.`);
}

/**
 * Replays a key removal of the erasure journal after a restore: the row goes again, audited as
 * the original. Idempotent; returns whether the key was there.
 */
export async function replayKeyRemoval(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entry: JournalEntry,
): Promise<boolean> {
  const row = await findKeyById(deps.db, entry.id);
  if (!row) return false;
  const at = new Date(entry.at);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteKeyRow(trx, row.id))) return;
    await recordAudit(trx, at, actor, {
      event: row.state === 'published' ? 'keys.key.removed' : 'keys.publication.dropped',
      memberId: row.memberId,
      objectId: row.id,
    });
  });
  if (row.state === 'published') keysChanged();
  return true;
}

/** The published and pending keys of one member (portal, access report). */
export function keysOfMember(deps: Pick<Deps, 'db'>, memberId: string): Promise<WkdKey[]> {
  return listKeysOfMember(deps.db, memberId);
}

/** A published key with whose it is, for the admin list and `treff keys list`. */
export interface KeyListEntry {
  key: WkdKey;
  memberName: string;
  memberNumber: string;
}

/** Every published (or pending) key with its member, by address. */
export async function listKeys(
  deps: Pick<Deps, 'db'>,
  state: WkdKey['state'] = 'published',
): Promise<KeyListEntry[]> {
  const keys = await listPublishedKeys(deps.db, state);
  const members = await listMembersByIds(
    deps,
    keys.map((key) => key.memberId),
  );
  return keys.map((key) => {
    const member = members.get(key.memberId);
    return {
      key,
      memberName: member ? `${member.firstName} ${member.lastName}` : '–',
      memberNumber: member?.memberNumber ?? '–',
    };
  });
}

/** What {@link removeStaleKeys} did: counts only, never whose. */
export interface StaleKeysReport {
  dryRun: boolean;
  /** Published keys removed (or, in a dry run, that would be), by reason. */
  removed: Record<'member_left' | 'account_inactive' | 'expired' | 'revoked' | 'invalid', number>;
  /** Pending requests that lapsed. */
  lapsed: number;
  /** The `created_at` of the oldest row kept, if any. */
  oldestKeptAt: string | null;
}

/**
 * Removes what may no longer be published (idempotent, for the scheduler, `treff keys check`
 * and every upload): keys whose member has left (or whose data is restricted), whose account is
 * no longer active or no longer has that address, and keys that expired, were revoked or no
 * longer pass the checks; also pending requests past their time. Each removal is audited
 * (`keys.key.removed`, `keys.publication.lapsed`) in the transaction that makes it.
 */
export async function removeStaleKeys(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'journal'>,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<StaleKeysReport> {
  const dryRun = options.dryRun === true;
  const now = deps.clock.now();
  const report: StaleKeysReport = {
    dryRun,
    removed: { member_left: 0, account_inactive: 0, expired: 0, revoked: 0, invalid: 0 },
    lapsed: 0,
    oldestKeptAt: null,
  };
  const keys = await listPublishedKeys(deps.db);
  const ownerProblem = await ownerCheck(deps, keys);
  for (const key of keys) {
    let reason: keyof StaleKeysReport['removed'] | null = ownerProblem(key);
    if (!reason) {
      const problem = await recheckStoredKey(key.key, key.address, now);
      if (problem === 'key_expired' || problem === 'key_no_encryption') reason = 'expired';
      else if (problem === 'key_revoked' || problem === 'key_uid_invalid') reason = 'revoked';
      else if (problem) reason = 'invalid';
    }
    if (!reason) continue;
    if (dryRun || (await removeRow(deps, actor, key, reason))) report.removed[reason]++;
  }
  for (const pending of await listLapsedPending(deps.db, now.toISOString())) {
    if (dryRun || (await removeRow(deps, actor, pending, 'lapsed'))) report.lapsed++;
  }
  report.oldestKeptAt = await oldestKeyCreatedAt(deps.db);
  return report;
}

/** Total of a report's removals. */
export function staleKeysRemoved(report: StaleKeysReport): number {
  return Object.values(report.removed).reduce((sum, count) => sum + count, 0) + report.lapsed;
}

export { KeyError };
