import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { findFirstPublication, insertFirstPublication } from './policy.repo.ts';
import { policyVersion } from './version.ts';

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
  );
  // Read back: another process may have inserted first, and its date wins.
  const publishedOn = await findFirstPublication(deps.db, version);
  if (!publishedOn) throw new Error(`policy version ${version} was not recorded`);
  return { version, publishedOn };
}
