import { createHash } from 'node:crypto';

/**
 * The Web Key Directory's mapping of a mail address to a file name
 * (draft-koch-openpgp-webkey-service-22 §3.1): the local part with ASCII upper-case letters
 * mapped to lower case (and nothing else changed), hashed with SHA-1 and encoded in z-base-32
 * (RFC 6189 §5.1.6), always 32 characters.
 */

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** A WKD hash as it appears in a URL: 32 characters of the z-base-32 alphabet. */
export const WKD_HASH = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/;

/**
 * Encodes bytes in z-base-32 (RFC 6189 §5.1.6), most significant bits first; a last group of
 * fewer than 5 bits is padded with zero bits. 20 bytes (160 bits) give exactly 32 characters.
 */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET.charAt((value << (5 - bits)) & 31);
  return out;
}

/**
 * Maps A–Z to a–z and leaves every other character alone, as the draft (§3.1) and GnuPG
 * (`mailbox_from_userid`, ASCII rules) do. `String.prototype.toLowerCase` would also change
 * non-ASCII letters and so compute a different hash than gpg for such addresses.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The WKD hash of a local part (§3.1). */
export function wkdHash(localPart: string): string {
  return zbase32(createHash('sha1').update(asciiLower(localPart), 'utf8').digest());
}

/** The WKD hash of a whole address (its local part, up to the last `@`). */
export function wkdHashOfAddress(address: string): string {
  return wkdHash(splitAddress(address).localPart);
}

/**
 * Splits an address at its last `@` (a quoted local part may itself contain one).
 * @throws Error when there is no `@` with text on both sides.
 */
export function splitAddress(address: string): { localPart: string; domain: string } {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new Error('not a mail address');
  return { localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * A club address in the one form treff stores and compares: ASCII-lower-cased as a whole.
 * Club addresses are ASCII-only (usernames are `[a-z][a-z0-9_-]*`), so this is the same form
 * gpg derives from a user ID.
 */
export function normaliseAddress(address: string): string {
  return asciiLower(address.trim());
}
