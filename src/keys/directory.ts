import { createHash } from 'node:crypto';
import type { Deps } from '../core/deps.ts';
import { listPublishedKeys, publishedStamp } from './keys.repo.ts';
import { ownerCheck } from './owners.ts';
import { loadSigningPublicKey, loadSubmissionPublicKey } from './submission-key.ts';
import { keyHeaders } from './wkd.routes.ts';
import { wkdHashOfAddress } from './zbase32.ts';

/**
 * The Web Key Directory as the HTTP routes see it: a map from WKD hash to the published key,
 * held in memory so that a lookup never scans the database. It is rebuilt when it changes:
 * at once after a change through this process (`invalidate`), and otherwise checked against a
 * cheap stamp of the table at most once per `checkIntervalMs` (changes by the CLI, the mail
 * intake or another `treff serve`), and rebuilt in full every `rebuildIntervalMs` so that a
 * member who left or an account that was disabled drops out before the removal job runs.
 */

/** One published key, ready to send. */
export interface DirectoryEntry {
  body: Uint8Array;
  /** A strong validator of the body (RFC 9110 §8.8.3). */
  etag: string;
  /** Milliseconds since the epoch after which the key is not served, or null for never. */
  expiresAt: number | null;
  /** The response headers, made once. */
  headers: Readonly<Record<string, string>>;
}

/** The in-memory directory of one process. */
export interface KeyDirectory {
  /**
   * The entry for a WKD hash, or undefined (unknown, or no longer servable). Answers at once
   * (no promise) while the map is fresh, which is nearly always: a lookup is a map access.
   */
  lookup(hash: string): DirectoryEntry | undefined | Promise<DirectoryEntry | undefined>;
  /** Marks the map stale: the next lookup rebuilds it. Call after a change in this process. */
  invalidate(): void;
}

export type DirectoryDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'secret' | 'log'>;

interface State {
  map: Map<string, DirectoryEntry>;
  stamp: string;
  checkedAt: number;
  builtAt: number;
}

function entryOf(body: Uint8Array, expiresAt: string | null): DirectoryEntry {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  const etag = `"${digest}"`;
  return {
    body,
    etag,
    expiresAt: expiresAt ? Date.parse(expiresAt) : null,
    headers: keyHeaders(body, etag),
  };
}

/** Builds the map from the database: only keys of active members with active accounts. */
export async function buildDirectory(
  deps: DirectoryDeps,
): Promise<{ map: Map<string, DirectoryEntry>; stamp: string }> {
  // The stamp first: a change that lands during the build makes the next check rebuild again.
  const stamp = await publishedStamp(deps.db);
  const map = new Map<string, DirectoryEntry>();
  const keys = await listPublishedKeys(deps.db);
  if (keys.length > 0) {
    const ownerProblem = await ownerCheck(deps, keys);
    for (const key of keys) {
      if (ownerProblem(key) === null) map.set(key.hash, entryOf(key.key, key.keyExpiresAt));
    }
  }
  const submission = await loadSubmissionPublicKey(deps);
  if (submission) map.set(wkdHashOfAddress(submission.address), entryOf(submission.binary, null));
  // The club's signing key, so anyone can check the transparency statements (issue 13).
  const signing = await loadSigningPublicKey(deps);
  if (signing) map.set(wkdHashOfAddress(signing.address), entryOf(signing.binary, null));
  return { map, stamp };
}

/** Creates the directory of one process; nothing is loaded before the first lookup. */
export function createKeyDirectory(
  deps: DirectoryDeps,
  options: { checkIntervalMs?: number; rebuildIntervalMs?: number } = {},
): KeyDirectory {
  const checkInterval = options.checkIntervalMs ?? 1000;
  const rebuildInterval = options.rebuildIntervalMs ?? 60_000;
  let state: State | undefined;
  let dirty = true;
  // One refresh at a time; concurrent lookups wait for the same one.
  let refreshing: Promise<State> | undefined;

  const refresh = async (): Promise<State> => {
    const started = performance.now();
    if (!dirty && state && started - state.builtAt < rebuildInterval) {
      const stamp = await publishedStamp(deps.db);
      if (stamp === state.stamp) {
        state = { ...state, checkedAt: started };
        return state;
      }
    }
    dirty = false;
    const { map, stamp } = await buildDirectory(deps);
    state = { map, stamp, checkedAt: started, builtAt: started };
    return state;
  };

  const servable = (entry: DirectoryEntry | undefined): DirectoryEntry | undefined =>
    // An expired key is not served from the moment it expires, before the removal job runs.
    entry?.expiresAt != null && entry.expiresAt <= deps.clock.now().getTime() ? undefined : entry;

  return {
    lookup(hash) {
      if (state && !dirty && performance.now() - state.checkedAt < checkInterval)
        return servable(state.map.get(hash));
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing.then((fresh) => servable(fresh.map.get(hash)));
    },
    invalidate() {
      dirty = true;
    },
  };
}
