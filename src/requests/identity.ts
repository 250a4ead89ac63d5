import type { PublicKey } from 'openpgp';
import type { Deps } from '../core/deps.ts';
import { listKeys } from '../keys/index.ts';
import { findMembersByEmail, getMember } from '../members/index.ts';
import type { IdentitySignal } from './requests.types.ts';

/**
 * Who sent a request mail, never from the From header alone (RT's Auth::Crypt model, notes
 * round-2 §1.3): (1) an OpenPGP signature, RFC 3156 `multipart/signed` or an inline clear-signed
 * text, made by a key the registry holds for a member (a published WKD key of that member) →
 * `signed`, verified at once; (2) otherwise a From equal to exactly one member's registered
 * address (case-insensitive) → `registered-address`, the ledger mails a confirmation link there;
 * (3) anything else → `unknown`, the board verifies by other means. A signature that does not
 * verify, or by a key no member has, never counts and never falls back to (2): it is kept as the
 * reason.
 */

/** Why a mail's identity is what it is (stable codes, kept beside the mail for the board). */
export type IdentityReason =
  | 'signature_valid'
  | 'no_signature'
  | 'signature_unknown_key'
  | 'signature_invalid'
  | 'signature_unreadable'
  | 'from_registered'
  | 'from_unknown'
  | 'from_ambiguous';

/** The identity signal for the ledger and why. */
export interface IdentityResult {
  identity: IdentitySignal;
  reason: IdentityReason;
  /** The registered address of the member, when one was found; else the From. */
  replyTo: string | null;
}

/** What the checks read: the raw mail, and the parsed From and text. */
export interface MailFacts {
  raw: Buffer;
  /** The From address as parsed, or null. */
  from: string | null;
  /** The decoded text body. */
  text: string;
  /** Top-level `Content-Type` value and parameters as parsed. */
  contentType: { value: string; params: Record<string, string> } | null;
}

type SignatureCheck =
  | { kind: 'none' }
  | { kind: 'unreadable' }
  | { kind: 'unknown_key' }
  | { kind: 'invalid' }
  | { kind: 'valid'; memberId: string; fingerprint: string };

const CLEARSIGNED =
  /-----BEGIN PGP SIGNED MESSAGE-----\r?\n[\s\S]*?-----BEGIN PGP SIGNATURE-----\r?\n[\s\S]*?-----END PGP SIGNATURE-----/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The signed part and the signature of an RFC 3156 `multipart/signed` mail, from the raw bytes:
 * the first body part exactly as sent (without the CRLF before the next delimiter, §5), with
 * line endings made CRLF; null when the structure is not there.
 */
export function splitMultipartSigned(
  raw: Buffer,
  boundary: string,
): { signed: Buffer; signature: string } | null {
  const text = raw.toString('latin1');
  const bodyStart = text.search(/\r?\n\r?\n/);
  if (bodyStart < 0) return null;
  const body = text.slice(bodyStart);
  const delimiter = new RegExp(
    String.raw`\r?\n--${escapeRegExp(boundary)}(--)?[ \t]*(?=\r?\n|$)`,
    'g',
  );
  const marks: { start: number; end: number; close: boolean }[] = [];
  for (const match of body.matchAll(delimiter)) {
    marks.push({ start: match.index, end: match.index + match[0].length, close: !!match[1] });
    if (match[1]) break;
  }
  const [first, second, third] = marks;
  if (!first || !second || !third || first.close || second.close) return null;
  const part = (from: { end: number }, to: { start: number }) =>
    body.slice(from.end, to.start).replace(/^\r?\n/, '');
  const signed = part(first, second).replace(/\r?\n/g, '\r\n');
  const signaturePart = part(second, third);
  const armor = /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(
    signaturePart,
  );
  if (!armor) return null;
  return { signed: Buffer.from(signed, 'latin1'), signature: armor[0] };
}

/** The members' published keys that could have made a signature with these key ids. */
async function candidateKeys(
  deps: Pick<Deps, 'db'>,
  keyIds: { toHex(): string }[],
): Promise<{ memberId: string; fingerprint: string; key: PublicKey }[]> {
  const openpgp = await import('openpgp');
  const wanted = new Set(keyIds.map((id) => id.toHex().toLowerCase()));
  const found: { memberId: string; fingerprint: string; key: PublicKey }[] = [];
  for (const { key: row } of await listKeys(deps, 'published')) {
    const key = await openpgp.readKey({ binaryKey: row.key });
    if (!(key instanceof openpgp.PublicKey)) continue;
    // Only the key whose fingerprint the registry holds for this member.
    if (key.getFingerprint().toUpperCase() !== row.fingerprint.toUpperCase()) continue;
    const ids = key.getKeyIDs().map((id) => id.toHex().toLowerCase());
    if (ids.some((id) => wanted.has(id)))
      found.push({ memberId: row.memberId, fingerprint: row.fingerprint, key });
  }
  return found;
}

async function verifyWith(
  deps: Pick<Deps, 'db' | 'clock'>,
  message: import('openpgp').Message<Uint8Array> | import('openpgp').CleartextMessage,
  signature: import('openpgp').Signature | undefined,
): Promise<SignatureCheck> {
  const openpgp = await import('openpgp');
  const keyIds =
    signature?.getSigningKeyIDs() ??
    (message instanceof openpgp.CleartextMessage ? message.getSigningKeyIDs() : []);
  const candidates = await candidateKeys(deps, keyIds);
  if (candidates.length === 0) return { kind: 'unknown_key' };
  for (const candidate of candidates) {
    const result = await openpgp.verify({
      message,
      ...(signature ? { signature } : {}),
      verificationKeys: candidate.key,
      date: deps.clock.now(),
    } as Parameters<typeof openpgp.verify>[0]);
    for (const one of result.signatures) {
      try {
        await one.verified;
        return { kind: 'valid', memberId: candidate.memberId, fingerprint: candidate.fingerprint };
      } catch {
        // A bad signature by this key: try the next candidate, else invalid.
      }
    }
  }
  return { kind: 'invalid' };
}

/** Checks the mail's OpenPGP signature, MIME or inline, against the members' keys. */
export async function checkSignature(
  deps: Pick<Deps, 'db' | 'clock'>,
  mail: MailFacts,
): Promise<SignatureCheck> {
  const openpgp = await import('openpgp');
  const type = mail.contentType;
  try {
    if (
      type?.value.toLowerCase() === 'multipart/signed' &&
      (type.params.protocol ?? '').toLowerCase() === 'application/pgp-signature' &&
      type.params.boundary
    ) {
      const parts = splitMultipartSigned(mail.raw, type.params.boundary);
      if (!parts) return { kind: 'unreadable' };
      const signature = await openpgp.readSignature({ armoredSignature: parts.signature });
      const message = await openpgp.createMessage({ binary: new Uint8Array(parts.signed) });
      return await verifyWith(deps, message, signature);
    }
    const inline = CLEARSIGNED.exec(mail.text);
    if (inline) {
      const message = await openpgp.readCleartextMessage({ cleartextMessage: inline[0] });
      return await verifyWith(deps, message, undefined);
    }
  } catch {
    // Armor or packets openpgp.js cannot read: not a signature that counts.
    return { kind: 'unreadable' };
  }
  return { kind: 'none' };
}

/**
 * The identity signal of a request mail (see the module comment for the order).
 * Never throws for a hostile mail; only a database failure escapes.
 */
export async function identifyRequester(
  deps: Pick<Deps, 'db' | 'clock'>,
  mail: MailFacts,
): Promise<IdentityResult> {
  const signature = await checkSignature(deps, mail);
  const from = mail.from?.trim().toLowerCase() || null;
  if (signature.kind === 'valid') {
    // A restricted member's request still counts; the address is only where the answer goes.
    const member = await getMember(deps, { includeRestricted: true }, signature.memberId).catch(
      () => null,
    );
    return {
      identity: {
        kind: 'signed',
        memberId: signature.memberId,
        fingerprint: signature.fingerprint,
      },
      reason: 'signature_valid',
      replyTo: member?.email ?? from,
    };
  }
  if (signature.kind !== 'none') {
    const reason =
      signature.kind === 'unknown_key'
        ? 'signature_unknown_key'
        : signature.kind === 'invalid'
          ? 'signature_invalid'
          : 'signature_unreadable';
    return { identity: { kind: 'unknown' }, reason, replyTo: from };
  }
  if (!from) return { identity: { kind: 'unknown' }, reason: 'from_unknown', replyTo: null };
  const members = await findMembersByEmail(deps.db, from);
  const [member, other] = members;
  if (member && !other && member.email)
    return {
      identity: { kind: 'registered-address', memberId: member.id },
      reason: 'from_registered',
      replyTo: member.email,
    };
  return {
    identity: { kind: 'unknown' },
    reason: members.length > 1 ? 'from_ambiguous' : 'from_unknown',
    replyTo: from,
  };
}

/**
 * True for mail no one should answer automatically (RFC 3834 §2, RFC 2369): `Auto-Submitted`
 * other than `no`, `Precedence: bulk|list|junk`, any `List-*` header, a null envelope sender or a
 * MAILER-DAEMON sender.
 */
export function isAutoSubmitted(
  headers: Map<string, unknown>,
  mailFrom: string | null,
  from: string | null,
): boolean {
  if (mailFrom === null) return true;
  if (/^(?:mailer-daemon|postmaster)@/i.test(from ?? '')) return true;
  const text = (name: string): string => {
    const value = headers.get(name);
    if (typeof value === 'string') return value.trim().toLowerCase();
    if (value && typeof value === 'object' && 'value' in value)
      return String(value.value).trim().toLowerCase();
    return '';
  };
  const auto = text('auto-submitted');
  if (auto !== '' && auto !== 'no') return true;
  if (['bulk', 'list', 'junk'].includes(text('precedence'))) return true;
  // mailparser gathers the List-* headers (RFC 2369, 2919) under `list`.
  for (const name of headers.keys()) if (/^list(?:-|$)/i.test(name)) return true;
  return false;
}
