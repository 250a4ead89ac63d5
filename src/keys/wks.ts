import type { Deps } from '../core/deps.ts';
import type { Db } from '../core/db/database.ts';
import { AppError, ConflictError } from '../core/errors.ts';
import { takeMailQuota } from '../core/mail/mail-counts.repo.ts';
import { parseInboundMail } from '../core/mail/quarantine.ts';
import { hashToken, newId } from '../core/ids.ts';
import { checkKey, isKeyError, readPublicKey } from './key-policy.ts';
import { decryptMessage, encryptText, readBinaryKey, signDetached } from './pgp.ts';
import { findKeyByAddress, findPendingByNonce } from './keys.repo.ts';
import {
  memberOfAddress,
  publishPending,
  removeKeyById,
  storePending,
  type KeysDeps,
} from './keys.service.ts';
import { loadSubmissionKey, type SubmissionKeyPair } from './submission-key.ts';
import {
  base64Body,
  entity,
  mailDate,
  multipartBody,
  newBoundary,
  type RawMailer,
} from './wks.mime.ts';
import { normaliseAddress, splitAddress } from './zbase32.ts';

/**
 * The Web Key Service by mail (draft-koch-openpgp-webkey-service-22 §4), as GnuPG 2.2.40's
 * gpg-wks-client speaks it (wkd.md §1.5):
 * 1. a key submission arrives: `multipart/encrypted` to the submission key, inside an
 *    armored `application/pgp-keys`;
 * 2. for each user ID of the key that is a member's club address, treff mails that address a
 *    confirmation request: `multipart/signed` (by the submission key) around `multipart/mixed`
 *    with a text and an `application/vnd.gnupg.wks` part holding the name-value body encrypted
 *    to the submitted key — only its holder can read the nonce;
 * 3. the confirmation response arrives, encrypted but (unlike the spec's MUST) not signed;
 *    a nonce that is known, unused, in time and for the same address publishes the key. The
 *    nonce is deleted in the same transaction, so a replay finds nothing.
 * Nothing is answered to mail that does not qualify (no backscatter to forged senders).
 */

/** Why a mail was not acted on. */
export type WksIgnoreReason =
  | 'loop'
  | 'not_wks'
  | 'undecryptable'
  | 'key_refused'
  | 'no_member_address'
  | 'pending_kept'
  | 'quota_exceeded'
  | 'malformed_response'
  | 'unknown_nonce'
  | 'lapsed'
  | 'address_mismatch';

/** What {@link receiveWksMail} did with one mail. */
export type WksOutcome =
  | { kind: 'confirmation_sent'; addresses: number }
  | { kind: 'published'; keyId: string }
  | { kind: 'ignored'; reason: WksIgnoreReason; detail?: string };

/** What the WKS needs: the key deps, the installation secret and a raw mailer. */
export type WksDeps = KeysDeps & Pick<Deps, 'secret'> & { rawMailer: RawMailer };

/**
 * At most this many members' addresses of one submitted key are mailed a confirmation request,
 * in the key's order; further user IDs are ignored. gpg-wks-client submits a key filtered to the
 * one chosen address (wkd.md §1.5), so real submissions carry one.
 */
export const WKS_MAX_ADDRESSES_PER_SUBMISSION = 3;

/** At most this many confirmation requests go to one address per UTC day (counted in the DB). */
export const WKS_MAX_CONFIRMATIONS_PER_DAY = 3;

/** The value of our `X-WKS-Loop` header: mail carrying it is our own and never answered. */
const LOOP = 'treff';

interface Payload {
  type: string;
  content: Buffer;
}

/** @throws MailRefusedError for mail over the parser's limits: the intake quarantines it. */
function parse(raw: Buffer | string) {
  return parseInboundMail(raw);
}

/**
 * The lower-cased content type of a part. mailparser gives `false` instead of a string for an
 * empty `Content-Type:` header, despite its typings.
 */
function typeOf(attachment: { contentType: unknown }): string {
  return typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
}

/** The first part of a parsed entity with a WKS content type, or its text body. */
function payloadOf(parsed: Awaited<ReturnType<typeof parse>>): Payload | undefined {
  for (const attachment of parsed.attachments) {
    const type = typeOf(attachment);
    if (
      type === 'application/pgp-keys' ||
      type === 'application/vnd.gnupg.wks' ||
      type === 'application/vnd.gnupg.wkd'
    ) {
      return { type, content: attachment.content };
    }
  }
  return undefined;
}

/**
 * The key or confirmation a mail carries: decrypted with the submission key when it is
 * `multipart/encrypted` (RFC 3156 §4), else taken as it is (gpg-wks-client sends the response
 * in clear when it found no submission key).
 */
async function extractPayload(
  parsed: Awaited<ReturnType<typeof parse>>,
  pair: SubmissionKeyPair,
  now: Date,
): Promise<Payload | 'undecryptable' | undefined> {
  const type = parsed.headers.get('content-type');
  const value =
    typeof type === 'object' && 'value' in type && typeof type.value === 'string'
      ? type.value.toLowerCase()
      : '';
  if (value !== 'multipart/encrypted') return payloadOf(parsed);
  const armored = parsed.attachments.find(
    (attachment) => typeOf(attachment) === 'application/octet-stream',
  );
  if (!armored) return 'undecryptable';
  let inner: Uint8Array;
  try {
    inner = await decryptMessage(armored.content.toString('utf8'), pair.privateKey, now);
  } catch {
    return 'undecryptable';
  }
  return payloadOf(await parse(Buffer.from(inner)));
}

/** Parses a WKS name-value body (`name: value` lines). Names are lower-cased. */
export function parseNameValues(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    // GnuPG trims trailing white space of values (wkd.md §1.5); so do we.
    if (match?.[1] && match[2] !== undefined && !fields.has(match[1].toLowerCase()))
      fields.set(match[1].toLowerCase(), match[2].trim());
  }
  return fields;
}

/**
 * Handles one mail to the submission address. Never throws for a bad mail (that is an
 * `ignored` outcome, logged by event name without addresses). Throws MailRefusedError for a
 * mail over the parser's limits (the intake quarantines it), and any other error only when
 * treff itself fails (the database), so the MTA keeps the mail and tries again.
 */
export async function receiveWksMail(
  deps: WksDeps,
  raw: Buffer | string,
  options: { submissionKey?: SubmissionKeyPair } = {},
): Promise<WksOutcome> {
  const outcome = await handle(deps, raw, options);
  deps.log.info(
    {
      event: `keys.wks.${outcome.kind}`,
      ...(outcome.kind === 'ignored' ? { reason: outcome.reason } : {}),
    },
    'wks mail',
  );
  return outcome;
}

async function handle(
  deps: WksDeps,
  raw: Buffer | string,
  options: { submissionKey?: SubmissionKeyPair },
): Promise<WksOutcome> {
  const pair = options.submissionKey ?? (await loadSubmissionKey(deps));
  if (!pair) return { kind: 'ignored', reason: 'not_wks', detail: 'WKS is off' };
  const parsed = await parse(raw);
  const from = normaliseAddress(parsed.from?.value[0]?.address ?? '');
  const loop = parsed.headers.get('x-wks-loop');
  if ((typeof loop === 'string' && loop.trim() === LOOP) || from === pair.address) {
    return { kind: 'ignored', reason: 'loop' };
  }
  const now = deps.clock.now();
  const payload = await extractPayload(parsed, pair, now);
  if (payload === 'undecryptable') return { kind: 'ignored', reason: 'undecryptable' };
  if (!payload) return { kind: 'ignored', reason: 'not_wks' };
  if (payload.type === 'application/pgp-keys') return submission(deps, pair, payload.content);
  return confirmation(deps, pair, parseNameValues(payload.content.toString('utf8')));
}

/**
 * Step 1 → 2: a submitted key; one confirmation request per member address in it, at most
 * {@link WKS_MAX_ADDRESSES_PER_SUBMISSION}, each within the rules of {@link guardUnsolicited}.
 */
async function submission(
  deps: WksDeps,
  pair: SubmissionKeyPair,
  content: Buffer,
): Promise<WksOutcome> {
  const now = deps.clock.now();
  let addresses: string[];
  try {
    const key = await readPublicKey(content);
    const domain = splitAddress(pair.address).domain;
    addresses = [
      ...new Set(
        key.users
          .map((user) => normaliseAddress(user.userID?.email ?? ''))
          .filter((address) => address.endsWith(`@${domain}`)),
      ),
    ];
  } catch (error) {
    if (isKeyError(error)) return { kind: 'ignored', reason: 'key_refused', detail: error.code };
    throw error;
  }
  let sent = 0;
  let refused: string | undefined;
  let held: WksIgnoreReason | undefined;
  for (const address of addresses) {
    if (sent >= WKS_MAX_ADDRESSES_PER_SUBMISSION) break;
    let owner: { memberId: string; address: string };
    try {
      owner = await memberOfAddress(deps, address);
    } catch (error) {
      if (error instanceof AppError && error.kind !== 'internal') continue;
      throw error;
    }
    const actor = { type: 'member' as const, id: owner.memberId };
    let checked;
    try {
      checked = await checkKey(content, owner.address, now);
    } catch (error) {
      if (!isKeyError(error)) throw error;
      refused = error.code;
      // A revocation of the published key takes it down, as on the web.
      const published = await findKeyByAddress(deps.db, owner.address, 'published');
      if (
        error.code === 'key_revoked' &&
        published &&
        published.fingerprint === error.fingerprint
      ) {
        await removeKeyById(deps, actor, published.id);
      }
      continue;
    }
    let code: string;
    try {
      ({ code } = await storePending(
        deps,
        actor,
        owner.memberId,
        owner.address,
        checked,
        'wks',
        (trx) => guardUnsolicited(deps, trx, owner.address),
      ));
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'publication_pending') {
        held = 'pending_kept';
        continue;
      }
      if (error instanceof ConflictError && error.code === 'wks_quota_exceeded') {
        held ??= 'quota_exceeded';
        continue;
      }
      throw error;
    }
    const message = await confirmationRequest(deps, pair, {
      address: owner.address,
      fingerprint: checked.fingerprint,
      nonce: code,
      key: checked.binary,
    });
    await deps.rawMailer.send({ from: pair.address, to: owner.address }, message);
    sent++;
  }
  if (sent > 0) return { kind: 'confirmation_sent', addresses: sent };
  if (held) return { kind: 'ignored', reason: held };
  return refused
    ? { kind: 'ignored', reason: 'key_refused', detail: refused }
    : { kind: 'ignored', reason: 'no_member_address' };
}

/**
 * What an unauthenticated submission may do to an address, checked in the transaction that
 * would store its pending request. Anyone can send a submission with any public key, so it may
 * only fill an empty slot: a pending request that is still valid stays, whether the member made
 * it in the portal, an admin made it, or an earlier submission did (its confirmation mail is on
 * its way). Only the member's own portal request replaces a pending one. Then it takes one of
 * the address's daily confirmation mails.
 * @throws ConflictError `publication_pending` or `wks_quota_exceeded`; nothing is stored then.
 */
async function guardUnsolicited(deps: WksDeps, trx: Db, address: string): Promise<void> {
  const now = deps.clock.now();
  const pending = await findKeyByAddress(trx, address, 'pending');
  if (pending && (pending.expiresAt ?? '') >= now.toISOString())
    throw new ConflictError('publication_pending', 'A publication for this address is waiting.');
  const allowed = await takeMailQuota(trx, deps.secret, {
    kind: 'wks.confirmation',
    address,
    limit: WKS_MAX_CONFIRMATIONS_PER_DAY,
    at: now,
  });
  if (!allowed)
    throw new ConflictError('wks_quota_exceeded', 'Too many confirmation requests today.');
}

const NONCE = /^[A-Za-z0-9]{16,64}$/;

/** Step 3 → publish: a confirmation response. */
async function confirmation(
  deps: WksDeps,
  pair: SubmissionKeyPair,
  fields: Map<string, string>,
): Promise<WksOutcome> {
  const nonce = fields.get('nonce') ?? '';
  const address = normaliseAddress(fields.get('address') ?? '');
  if (
    fields.get('type') !== 'confirmation-response' ||
    normaliseAddress(fields.get('sender') ?? '') !== pair.address ||
    !NONCE.test(nonce)
  ) {
    return { kind: 'ignored', reason: 'malformed_response' };
  }
  const pending = await findPendingByNonce(deps.db, hashToken(nonce));
  if (!pending) return { kind: 'ignored', reason: 'unknown_nonce' };
  if (pending.address !== address) return { kind: 'ignored', reason: 'address_mismatch' };
  if ((pending.expiresAt ?? '') < deps.clock.now().toISOString())
    return { kind: 'ignored', reason: 'lapsed' };
  let owner: { memberId: string };
  try {
    owner = await memberOfAddress(deps, address);
  } catch (error) {
    if (error instanceof AppError && error.kind !== 'internal')
      return { kind: 'ignored', reason: 'no_member_address' };
    throw error;
  }
  if (owner.memberId !== pending.memberId) return { kind: 'ignored', reason: 'address_mismatch' };
  let key;
  try {
    key = await publishPending(deps, { type: 'member', id: owner.memberId }, pending);
  } catch (error) {
    // The same nonce used twice at the same moment: the second finds nothing to publish.
    if (error instanceof AppError && error.code === 'publication_not_found')
      return { kind: 'ignored', reason: 'unknown_nonce' };
    throw error;
  }
  await deps.rawMailer.send(
    { from: pair.address, to: address },
    publishedNotice(deps, pair, address),
  );
  return { kind: 'published', keyId: key.id };
}

function messageId(pair: SubmissionKeyPair): string {
  return `<${newId()}@${splitAddress(pair.address).domain}>`;
}

const EXPLANATION = `Diese Nachricht bestätigt deinen Wunsch, deinen OpenPGP-Schlüssel im Web Key
Directory des Vereins zu veröffentlichen. Wenn du das nicht wolltest, ignoriere
sie einfach: dann wird nichts veröffentlicht. Die meisten Mailprogramme mit
Web-Key-Service-Unterstützung erledigen den Rest selbst; mit GnuPG:
  /usr/lib/gnupg/gpg-wks-client --receive --send < diese-nachricht.eml

This message confirms your request to publish your OpenPGP key in the club's
Web Key Directory. If you did not ask for it, simply ignore it: nothing will
be published. Mail software with Web Key Service support does the rest on its
own; with GnuPG:
  /usr/lib/gnupg/gpg-wks-client --receive --send < this-message.eml
`;

/**
 * Builds the confirmation request in GnuPG's layout for draft version ≥ 2 (wkd.md §1.5):
 * `multipart/signed` over `multipart/mixed` {text, `application/vnd.gnupg.wks` with the
 * armored name-value body encrypted to the submitted key} plus the detached signature of the
 * submission key. The signed bytes are exactly the first part, without the CRLF before the
 * next delimiter (RFC 3156 §5, RFC 2046 §5.1.1).
 */
export async function confirmationRequest(
  deps: Pick<Deps, 'clock'>,
  pair: SubmissionKeyPair,
  request: { address: string; fingerprint: string; nonce: string; key: Uint8Array },
): Promise<Buffer> {
  const now = deps.clock.now();
  const body =
    `type: confirmation-request\n` +
    `sender: ${pair.address}\n` +
    `address: ${request.address}\n` +
    `fingerprint: ${request.fingerprint}\n` +
    `nonce: ${request.nonce}\n`;
  const encrypted = await encryptText(body, await readBinaryKey(request.key), now);
  const mixed = newBoundary();
  const signedPart = entity(
    [['Content-Type', `multipart/mixed; boundary="${mixed}"`]],
    multipartBody(mixed, [
      entity(
        [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', 'base64'],
        ],
        base64Body(EXPLANATION),
      ),
      entity([['Content-Type', 'application/vnd.gnupg.wks']], encrypted.trimEnd()),
    ]),
  );
  // micalg must name the hash the signature uses (RFC 3156 §5); Ed25519 in OpenPGP.js: SHA-512.
  const { signature, hash } = await signDetached(signedPart, pair.privateKey, now);
  const micalg = `pgp-${hash}`;
  const signed = newBoundary();
  return Buffer.from(
    entity(
      [
        ['From', pair.address],
        ['To', request.address],
        ['Subject', 'Confirm your key publication'],
        ['Date', mailDate(now)],
        ['Message-ID', messageId(pair)],
        ['Wks-Draft-Version', '3'],
        ['Wks-Phase', 'confirm'],
        ['X-WKS-Loop', LOOP],
        ['MIME-Version', '1.0'],
        [
          'Content-Type',
          `multipart/signed; protocol="application/pgp-signature"; micalg=${micalg}; boundary="${signed}"`,
        ],
      ],
      multipartBody(signed, [
        signedPart,
        entity([['Content-Type', 'application/pgp-signature']], signature.trimEnd()),
      ]),
    ),
    'utf8',
  );
}

/** The notice after publication (`Wks-Phase: done`), plain text: it says nothing secret. */
function publishedNotice(
  deps: Pick<Deps, 'clock' | 'config'>,
  pair: SubmissionKeyPair,
  address: string,
): Buffer {
  return Buffer.from(
    entity(
      [
        ['From', pair.address],
        ['To', address],
        ['Subject', 'Your key has been published'],
        ['Date', mailDate(deps.clock.now())],
        ['Message-ID', messageId(pair)],
        ['Wks-Draft-Version', '3'],
        ['Wks-Phase', 'done'],
        ['X-WKS-Loop', LOOP],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Transfer-Encoding', 'base64'],
      ],
      base64Body(
        `Dein Schlüssel für ${address} ist jetzt im Web Key Directory von ${deps.config.club.name} veröffentlicht.\n` +
          `Im Mitgliederbereich kannst du ihn jederzeit entfernen: ${deps.config.publicUrl}/me/keys\n\n` +
          `Your key for ${address} is now published in the Web Key Directory of ${deps.config.club.name}.\n` +
          `You can remove it at any time in the member portal: ${deps.config.publicUrl}/me/keys\n`,
      ),
    ),
    'utf8',
  );
}
