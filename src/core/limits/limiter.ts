import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';

/**
 * A failure limiter with exponential backoff, kept in this process's memory.
 *
 * Why memory and not the database: every check must be atomic with its record, and here a
 * check and its record are one synchronous call (no `await` between reading and writing), so
 * concurrent requests cannot slip past the limit; a database would need a round trip and a
 * transaction per attempt, on the hot path of every login. The cost: the state is per process
 * and lost at a restart. With several `treff serve` instances behind a proxy (design.md §7)
 * each instance counts on its own, so an attacker gets the allowance once per instance.
 *
 * Keys are stored as SHA-256 digests (22 characters): an entry has a fixed size whatever the
 * key, and the memory holds no plain username or address.
 */
export interface LimitRule {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; it doubles with each further failure. */
  baseDelaySeconds: number;
  /** The longest wait, however many failures. */
  maxDelaySeconds: number;
  /** A key without a failure for this long starts afresh. */
  forgetAfterSeconds: number;
  /** Most keys held; beyond that the least recently failed are dropped, quiet ones first. */
  capacity: number;
  /** On success: forget the key (`reset`) or only take back the failure counted for it (`refund`). */
  onSuccess: 'reset' | 'refund';
}

/** The answer to an attempt. */
export interface LimitDecision {
  allowed: boolean;
  /** Whole seconds until the next attempt may pass (0 when allowed). */
  retryAfterSeconds: number;
}

interface Entry {
  failures: number;
  lastFailureMs: number;
}

/** One limiter: a {@link LimitRule} applied to many keys. */
export interface Limiter {
  readonly rule: LimitRule;
  /** Whether `key` may try now; changes nothing. */
  check(key: string): LimitDecision;
  /**
   * Counts a failure for `key`. Returns true when this failure starts a wait (the key has just
   * used its free failures), so the caller can record the lockout once.
   */
  recordFailure(key: string): boolean;
  /** Applies the rule's `onSuccess` to `key`. */
  recordSuccess(key: string): void;
  /** How many keys are held (never more than `rule.capacity`). */
  readonly size: number;
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/** The wait, in milliseconds, after `failures` failures under `rule`. */
function delayMs(rule: LimitRule, failures: number): number {
  if (failures < rule.freeFailures) return 0;
  const exponent = Math.min(failures - rule.freeFailures, 40);
  return Math.min(rule.baseDelaySeconds * 2 ** exponent, rule.maxDelaySeconds) * 1000;
}

/**
 * Creates a limiter. Memory is bounded by `rule.capacity`: when full, the least recently failed
 * key that is not waiting is dropped first, and only when every held key is waiting the least
 * recently failed of those; so a flood of new keys cannot clear the wait of a key under attack.
 */
export function createLimiter(rule: LimitRule, clock: Clock): Limiter {
  // Two maps in least-recently-failed order (a Map iterates in insertion order and an update
  // re-inserts): keys still within their free failures, and keys that have to wait.
  const quiet = new Map<string, Entry>();
  const waiting = new Map<string, Entry>();

  const find = (id: string, now: number): Entry | undefined => {
    const entry = waiting.get(id) ?? quiet.get(id);
    if (entry && now - entry.lastFailureMs >= rule.forgetAfterSeconds * 1000) {
      waiting.delete(id);
      quiet.delete(id);
      return undefined;
    }
    return entry;
  };

  const store = (id: string, entry: Entry): void => {
    quiet.delete(id);
    waiting.delete(id);
    (entry.failures >= rule.freeFailures ? waiting : quiet).set(id, entry);
    while (quiet.size + waiting.size > rule.capacity) {
      const from = quiet.size > 0 ? quiet : waiting;
      const oldest = from.keys().next().value;
      if (oldest === undefined) break;
      from.delete(oldest);
    }
  };

  return {
    rule,
    check(key) {
      const now = clock.now().getTime();
      const entry = find(digest(key), now);
      if (!entry) return { allowed: true, retryAfterSeconds: 0 };
      const until = entry.lastFailureMs + delayMs(rule, entry.failures);
      return now >= until
        ? { allowed: true, retryAfterSeconds: 0 }
        : { allowed: false, retryAfterSeconds: Math.ceil((until - now) / 1000) };
    },
    recordFailure(key) {
      const now = clock.now().getTime();
      const id = digest(key);
      const failures = (find(id, now)?.failures ?? 0) + 1;
      store(id, { failures, lastFailureMs: now });
      return failures === rule.freeFailures;
    },
    recordSuccess(key) {
      const now = clock.now().getTime();
      const id = digest(key);
      const entry = find(id, now);
      if (!entry) return;
      if (rule.onSuccess === 'reset' || entry.failures <= 1) {
        quiet.delete(id);
        waiting.delete(id);
      } else {
        store(id, { failures: entry.failures - 1, lastFailureMs: entry.lastFailureMs });
      }
    },
    get size() {
      return quiet.size + waiting.size;
    },
  };
}

/** One key under one limiter. */
export interface LimitKey {
  limiter: Limiter;
  key: string;
}

/** What {@link attempt} decided, and which keys started a wait with it. */
export interface AttemptDecision extends LimitDecision {
  /** The keys whose wait this attempt started (for an audit entry). */
  lockedOut: LimitKey[];
}

/**
 * Checks every key and, if all allow it, counts the attempt as a failure on every key at once —
 * in one synchronous call, so concurrent attempts cannot pass the limit between a check and its
 * record. The caller then runs the real check and calls {@link succeed} if it passed. A refused
 * attempt counts nothing (so an attacker's refused tries do not lengthen the owner's wait).
 */
export function attempt(keys: readonly LimitKey[]): AttemptDecision {
  let retryAfterSeconds = 0;
  for (const { limiter, key } of keys) {
    retryAfterSeconds = Math.max(retryAfterSeconds, limiter.check(key).retryAfterSeconds);
  }
  if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds, lockedOut: [] };
  const lockedOut = keys.filter(({ limiter, key }) => limiter.recordFailure(key));
  return { allowed: true, retryAfterSeconds: 0, lockedOut };
}

/** Takes back an {@link attempt} that passed its real check (each limiter's `onSuccess`). */
export function succeed(keys: readonly LimitKey[]): void {
  for (const { limiter, key } of keys) limiter.recordSuccess(key);
}
