import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * A new text id for a database row: a UUIDv7 (RFC 9562), which sorts by creation time and is
 * monotonic within the process, so "oldest first" needs no extra sequence column.
 */
export function newId(): string {
  return uuidv7();
}

/** A new secret token (256 bits, URL-safe) for a session or a one-time link. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The SHA-256 of a secret token. The database stores only this, so a leaked database does not
 * leak live sessions or login links.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in constant time; different lengths compare unequal. */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
