import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { findFirstPublication, insertFirstPublication, listPublications } from './policy.repo.ts';
import { canonicalJson, policyInput, policyVersion, type PolicyInput } from './version.ts';

/** A published edition of the policy: its version and the date it was first published. */
export interface PolicyEdition {
  version: string;
  /** `YYYY-MM-DD` in the club's time zone: the policy's "Stand". */
  publishedOn: string;
}

/**
 * Returns the edition of the declaration in `deps.config`, recording today (the injected clock,
 * in the club's time zone) as its publication date the first time this version is seen. So the
 * date stays put while the declaration is unchanged and moves exactly when it changes.
 * Idempotent; concurrent callers agree on one date. Reads before writing, so the usual call
 * (a known version) writes nothing.
 */
export async function publishPolicyEdition(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
): Promise<PolicyEdition> {
  const version = policyVersion(deps.config);
  const known = await findFirstPublication(deps.db, version);
  if (known) return { version, publishedOn: known };
  await insertFirstPublication(
    deps.db,
    version,
    localDate(deps.clock.now(), deps.config.club.timeZone),
    canonicalJson(policyInput(deps.config)),
  );
  // Read back: another process may have inserted first, and its date wins.
  const publishedOn = await findFirstPublication(deps.db, version);
  if (!publishedOn) throw new Error(`policy version ${version} was not recorded`);
  return { version, publishedOn };
}

/** What changed in an edition against the one before (null: the input was not recorded). */
export interface EditionChanges {
  /** Activities added, removed or changed, by their titles. */
  added: { de: string; en: string }[];
  removed: { de: string; en: string }[];
  changed: { de: string; en: string }[];
  /** Services whose settings changed (`xmpp`, `website`, …). */
  services: string[];
  /** The club's details (name, contacts, address, …) changed. */
  club: boolean;
}

/** A published edition with what changed against the previous one. */
export interface EditionHistoryEntry extends PolicyEdition {
  /** Null for the first edition and where an edition's input was not recorded. */
  changes: EditionChanges | null;
}

function diffEditions(before: PolicyInput, after: PolicyInput): EditionChanges {
  const byId = (input: PolicyInput) =>
    new Map(input.activities.map((activity) => [activity.id, activity]));
  const old = byId(before);
  const now = byId(after);
  const title = (activity: PolicyInput['activities'][number]) => ({ ...activity.title });
  const keys = new Set([...Object.keys(before.services), ...Object.keys(after.services)]);
  return {
    added: [...now.values()].filter((activity) => !old.has(activity.id)).map(title),
    removed: [...old.values()].filter((activity) => !now.has(activity.id)).map(title),
    changed: [...now.values()]
      .filter((activity) => {
        const previous = old.get(activity.id);
        return previous !== undefined && canonicalJson(previous) !== canonicalJson(activity);
      })
      .map(title),
    services: [...keys]
      .filter(
        (key) =>
          canonicalJson((before.services as Record<string, unknown>)[key]) !==
          canonicalJson((after.services as Record<string, unknown>)[key]),
      )
      .sort(),
    club:
      canonicalJson(before.club) !== canonicalJson(after.club) ||
      canonicalJson(before.members) !== canonicalJson(after.members),
  };
}

/**
 * The policy's version history, newest first: every published edition with its date and what
 * changed against the edition before it (activities added, removed or changed; services and
 * club details changed). Computed from the recorded inputs; nothing is typed.
 */
export async function policyEditionHistory(deps: Pick<Deps, 'db'>): Promise<EditionHistoryEntry[]> {
  const rows = await listPublications(deps.db);
  const entries: EditionHistoryEntry[] = [];
  let previous: PolicyInput | null = null;
  for (const row of rows) {
    const input = row.input === null ? null : (JSON.parse(row.input) as PolicyInput);
    entries.push({
      version: row.hash,
      publishedOn: row.first_published_on,
      changes: previous && input ? diffEditions(previous, input) : null,
    });
    previous = input;
  }
  return entries.reverse();
}
