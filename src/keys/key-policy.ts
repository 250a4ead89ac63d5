import type { AnyPacket, Key, PublicKey, SignaturePacket, User } from 'openpgp';
import { ValidationError } from '../core/errors.ts';
import { loadOpenPgp } from './pgp.ts';
import { asciiLower } from './zbase32.ts';

/**
 * Which keys treff publishes, and in which form: one v4 public key per address that is neither
 * revoked nor expired, can encrypt, and carries a validly self-signed user ID with exactly that
 * address; published minimised to that user ID (draft-koch-openpgp-webkey-service-22 §6:
 * "Other User ID packets and their associated binding signatures MUST be removed").
 */

/** Why a key was refused. Stable codes for programs, the views translate them for people. */
export const KEY_ERROR_CODES = [
  'key_malformed',
  'key_too_large',
  'key_multiple',
  'key_secret',
  'key_not_v4',
  'key_revoked',
  'key_expired',
  'key_invalid',
  'key_algorithm_rejected',
  'key_uid_mismatch',
  'key_uid_invalid',
  'key_no_encryption',
] as const;
export type KeyErrorCode = (typeof KEY_ERROR_CODES)[number];

/** A refused key. `fingerprint` is set when the key could be read (for revocation handling). */
export class KeyError extends ValidationError {
  override readonly code: KeyErrorCode;
  readonly fingerprint: string | undefined;
  constructor(code: KeyErrorCode, message: string, fingerprint?: string) {
    super(code, message, [{ path: 'key', message }]);
    this.name = 'KeyError';
    this.code = code;
    this.fingerprint = fingerprint;
  }
}

/** True when `error` is a {@link KeyError}. */
export function isKeyError(error: unknown): error is KeyError {
  return error instanceof KeyError;
}

/** Upper bound of an uploaded key (before minimisation); real keys with many signatures fit. */
export const MAX_KEY_INPUT = 64 * 1024;
/** GnuPG refuses WKD answers above 256 KiB (`MAX_WKD_RESULT_LENGTH`, dirmngr/ks-engine-http.c). */
export const MAX_PUBLISHED_KEY = 256 * 1024;

/** A key that passed every check, minimised for one address. */
export interface CheckedKey {
  /** The minimised key, binary (the draft §3.1 asks for binary, not armored). */
  binary: Uint8Array;
  /** Upper-case hex, 40 digits. */
  fingerprint: string;
  createdAt: Date;
  /** When the key (or its last encryption subkey) stops working; null for never. */
  expiresAt: Date | null;
}

const ARMOR = /^\s*-----BEGIN PGP /;

/**
 * Reads exactly one public key from armored text or binary packets.
 * @throws KeyError `key_too_large`, `key_malformed`, `key_multiple`, `key_secret`, `key_not_v4`.
 */
export async function readPublicKey(input: string | Uint8Array): Promise<PublicKey> {
  const openpgp = await loadOpenPgp();
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MAX_KEY_INPUT) {
    throw new KeyError('key_too_large', 'The key is larger than 64 KiB.');
  }
  if (bytes.length === 0) throw new KeyError('key_malformed', 'No key was given.');
  const text = Buffer.from(bytes).toString('latin1');
  // Check for secret key material first, so that even a damaged private key block is refused
  // as what it is and never stored.
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text)) throw secretKeyError();
  // readKeys reads only the first armor block and would silently drop a second key.
  if ((text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/g) ?? []).length > 1) throw multipleError();
  let keys: Key[];
  try {
    keys = ARMOR.test(text)
      ? await openpgp.readKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') })
      : await openpgp.readKeys({ binaryKeys: bytes });
  } catch (error) {
    throw new KeyError(
      'key_malformed',
      `This is not a readable OpenPGP public key (${describe(error)}).`,
    );
  }
  if (keys.length === 0) throw new KeyError('key_malformed', 'No OpenPGP key was found.');
  if (keys.some((key) => key.isPrivate())) throw secretKeyError();
  if (keys.length > 1) throw multipleError();
  const [key] = keys;
  if (!(key instanceof openpgp.PublicKey))
    throw new KeyError('key_malformed', 'No OpenPGP key was found.');
  if (key.keyPacket.version !== 4) {
    throw new KeyError(
      'key_not_v4',
      `Only version 4 keys can be published: GnuPG 2.2 and 2.4 cannot read version ${key.keyPacket.version} keys.`,
      key.getFingerprint().toUpperCase(),
    );
  }
  return key;
}

function multipleError(): KeyError {
  return new KeyError(
    'key_multiple',
    'Please give exactly one key: WKD serves one key per address (several keys in one file break OpenKeychain).',
  );
}

function secretKeyError(): KeyError {
  return new KeyError(
    'key_secret',
    'This is a secret (private) key. Never give it away: export only the public key (gpg --export --armor ADDRESS).',
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 200) : 'unknown';
}

/** The newest of a list of signatures (by creation time). */
function newest(signatures: readonly SignaturePacket[]): SignaturePacket | undefined {
  let best: SignaturePacket | undefined;
  for (const signature of signatures) {
    if (!best || (signature.created?.getTime() ?? 0) > (best.created?.getTime() ?? 0))
      best = signature;
  }
  return best;
}

/**
 * Checks `key` for publication under `address` at time `now` and returns it minimised: the
 * primary key, the one user ID with that address and its newest self-signature, and the
 * subkeys with their newest binding (revoked or expired subkeys stay, so clients learn of it);
 * no third-party certifications, no other user IDs, no photos. The result has the same packet
 * contents as `gpg --export-options export-minimal --export-filter keep-uid='mbox = ADDRESS'`
 * and `gpg-wks-client --install-key` (only the packet headers' format differs).
 * @throws KeyError `key_revoked`, `key_expired`, `key_invalid`, `key_algorithm_rejected`,
 *   `key_uid_mismatch`, `key_uid_invalid`, `key_no_encryption`, `key_too_large`.
 */
export async function minimiseForAddress(
  key: PublicKey,
  address: string,
  now: Date,
): Promise<CheckedKey> {
  const openpgp = await loadOpenPgp();
  const fingerprint = key.getFingerprint().toUpperCase();
  const wanted = asciiLower(address);
  checkAlgorithm(key, openpgp.config, fingerprint);
  try {
    await key.verifyPrimaryKey(now);
  } catch (error) {
    throw primaryKeyError(error, fingerprint);
  }
  const matching = key.users.filter(
    (user): user is User & { userID: NonNullable<User['userID']> } =>
      user.userID !== null && asciiLower(user.userID.email) === wanted,
  );
  if (matching.length === 0) {
    throw new KeyError(
      'key_uid_mismatch',
      `The key has no user ID with the address ${address}. Add it (gpg --quick-add-uid) and try again.`,
      fingerprint,
    );
  }
  const valid: (User & { userID: NonNullable<User['userID']> })[] = [];
  for (const user of matching) {
    try {
      await user.verify(now);
      valid.push(user);
    } catch {
      // Revoked, expired or not validly self-signed: not a binding of this address.
    }
  }
  if (valid.length === 0) {
    throw new KeyError(
      'key_uid_invalid',
      `The user ID with the address ${address} is revoked, expired or not validly signed by the key.`,
      fingerprint,
    );
  }
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    throw new KeyError(
      'key_no_encryption',
      'The key has no valid encryption subkey, so nobody could write to you with it.',
      fingerprint,
    );
  }
  const packets = new openpgp.PacketList<AnyPacket>();
  packets.push(key.keyPacket, ...key.revocationSignatures);
  for (const user of valid) {
    const signature = newest(user.selfCertifications.filter((s) => (s.created ?? now) <= now));
    packets.push(user.userID);
    if (signature) packets.push(signature);
  }
  for (const subkey of key.subkeys) {
    try {
      await subkey.verify(now);
    } catch (error) {
      // Keep subkeys whose end is worth knowing, drop unbound or broken ones.
      if (!/revoked|expired/i.test(describe(error))) continue;
    }
    const binding = newest(subkey.bindingSignatures);
    packets.push(subkey.keyPacket, ...subkey.revocationSignatures);
    if (binding) packets.push(binding);
  }
  const minimised = new openpgp.PublicKey(packets);
  const binary = minimised.write();
  if (binary.length > MAX_PUBLISHED_KEY) {
    throw new KeyError('key_too_large', 'The minimised key is larger than 256 KiB.', fingerprint);
  }
  return {
    binary,
    fingerprint,
    createdAt: minimised.getCreationTime(),
    expiresAt: await expiryOf(minimised, now),
  };
}

/**
 * When a published key stops being usable for mail to its owner: the earlier of the primary
 * key's expiry and the last expiry of its encryption subkeys. Null for never.
 */
async function expiryOf(key: PublicKey, now: Date): Promise<Date | null> {
  const primary = await key.getExpirationTime();
  let encryptionEnd: number | null = null;
  for (const subkey of key.subkeys) {
    try {
      await subkey.verify(now);
    } catch {
      continue;
    }
    const end = await subkey.getExpirationTime(now);
    const value = end instanceof Date ? end.getTime() : Infinity;
    encryptionEnd = encryptionEnd === null ? value : Math.max(encryptionEnd, value);
  }
  const primaryEnd = primary instanceof Date ? primary.getTime() : Infinity;
  const end = Math.min(primaryEnd, encryptionEnd ?? Infinity);
  return Number.isFinite(end) ? new Date(end) : null;
}

/**
 * Refuses primary keys OpenPGP.js (and so our own checks) no longer trusts: RSA below its
 * `minRSABits` (2047), DSA and ElGamal. OpenPGP.js would accept such a primary key in
 * `verifyPrimaryKey` and fail only later, with a less helpful reason.
 */
function checkAlgorithm(key: PublicKey, config: { minRSABits: number }, fingerprint: string): void {
  const info = key.getAlgorithmInfo();
  const weakRsa = info.algorithm.startsWith('rsa') && (info.bits ?? 0) < config.minRSABits;
  if (weakRsa || info.algorithm === 'dsa' || info.algorithm === 'elgamal') {
    throw new KeyError(
      'key_algorithm_rejected',
      `The key uses ${info.algorithm}${info.bits ? ` with ${info.bits} bits` : ''}, which is no longer accepted. Please create a new key, for example with gpg --quick-gen-key ADDRESS future-default.`,
      fingerprint,
    );
  }
}

function primaryKeyError(error: unknown, fingerprint: string): KeyError {
  const message = describe(error);
  if (/revoked/i.test(message))
    return new KeyError('key_revoked', 'The key is revoked.', fingerprint);
  if (/expired/i.test(message))
    return new KeyError(
      'key_expired',
      'The key has expired. Extend it (gpg --quick-set-expire) and upload it again.',
      fingerprint,
    );
  if (/weak|reject|not supported|unsupported|insecure/i.test(message))
    return new KeyError(
      'key_algorithm_rejected',
      `The key uses an algorithm or size that is no longer accepted (${message}). Please create a new key, for example with gpg --quick-gen-key ADDRESS future-default.`,
      fingerprint,
    );
  return new KeyError('key_invalid', `The key is not valid (${message}).`, fingerprint);
}

/**
 * Reads and checks a submitted key for `address` in one step.
 * @throws KeyError as {@link readPublicKey} and {@link minimiseForAddress}.
 */
export async function checkKey(
  input: string | Uint8Array,
  address: string,
  now: Date,
): Promise<CheckedKey> {
  return minimiseForAddress(await readPublicKey(input), address, now);
}

/**
 * Checks a stored (already minimised) key again at `now`: null while it may stay published,
 * else the code of why not (`key_revoked`, `key_expired`, …). Used by the removal job.
 */
export async function recheckStoredKey(
  binary: Uint8Array,
  address: string,
  now: Date,
): Promise<KeyErrorCode | null> {
  try {
    await checkKey(binary, address, now);
    return null;
  } catch (error) {
    if (isKeyError(error)) return error.code;
    throw error;
  }
}
