import { isIP } from 'node:net';
import type { Clock } from '../clock.ts';
import { createLimiter, type LimitKey, type Limiter, type LimitRule } from './limiter.ts';

/**
 * Per login name, for every channel treff checks a password on (the web login and Prosody's
 * check): 5 free failures, then a wait of 1 s that doubles with each failure up to 5 minutes.
 * The cap is short on purpose: an attacker who knows a name can keep it waiting, but never
 * longer than 5 minutes between the owner's chances — and IMAP, SMTP and SSH, which the daemons
 * check themselves, and the mailed login link are not held up at all.
 */
export const LOGIN_NAME_RULE: LimitRule = {
  freeFailures: 5,
  baseDelaySeconds: 1,
  maxDelaySeconds: 300,
  forgetAfterSeconds: 3600,
  capacity: 10_000,
  onSuccess: 'reset',
};

/**
 * Per client address (an IPv6 address counts by its /64): 10 free failures, then 1 s doubling up
 * to 1 hour. Harder than the per-name rule, because it hits the guesser and not the owner; a
 * success takes back only its own attempt, so a guesser cannot wipe the count with one login.
 */
export const LOGIN_ADDRESS_RULE: LimitRule = {
  freeFailures: 10,
  baseDelaySeconds: 1,
  maxDelaySeconds: 3600,
  forgetAfterSeconds: 86_400,
  capacity: 10_000,
  onSuccess: 'refund',
};

/** The limiters every password check shares (one set per process, built by the composition root). */
export interface LoginLimits {
  name: Limiter;
  address: Limiter;
}

/** Creates the {@link LoginLimits} with the rules above (or others, for tests). */
export function createLoginLimits(
  clock: Clock,
  rules: { name?: LimitRule; address?: LimitRule } = {},
): LoginLimits {
  return {
    name: createLimiter(rules.name ?? LOGIN_NAME_RULE, clock),
    address: createLimiter(rules.address ?? LOGIN_ADDRESS_RULE, clock),
  };
}

/**
 * The keys a login attempt counts against: the name (lower-cased, as the daemons compare it)
 * and, when known, the client's address.
 */
export function loginKeys(limits: LoginLimits, name: string, address: string | null): LimitKey[] {
  const keys: LimitKey[] = [{ limiter: limits.name, key: name.trim().toLowerCase() }];
  const network = address === null ? null : addressNetwork(address);
  if (network !== null) keys.push({ limiter: limits.address, key: network });
  return keys;
}

/**
 * The network an address is counted by: an IPv4 address itself (also when IPv4-mapped), the
 * /64 of an IPv6 address (one subscriber usually holds a whole /64). Null for a loopback address
 * or anything that is not an address: a request from loopback is a reverse proxy that did not
 * name the client, and counting them all as one would let one guesser lock everyone out.
 */
export function addressNetwork(address: string): string | null {
  let text = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped?.[1]) text = mapped[1];
  const version = isIP(text);
  if (version === 4) return text.startsWith('127.') ? null : text;
  if (version !== 6) return null;
  const groups = expandIPv6(text);
  if (groups.every((group, index) => group === (index === 7 ? 1 : 0))) return null;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail is converted). */
function expandIPv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}
