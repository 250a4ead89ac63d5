import { addMonths } from '../members/index.ts';

/**
 * The life of a mandate, as pure functions of its dates. A SEPA core mandate lapses when no
 * collection was made for 36 months (SEPA Core Rulebook 4.1, "validity of the mandate"; German
 * banks' terms, notes/members-and-law.md §3.3): counted from the last collection, or from the
 * signature when it was never used. It also ends when revoked or when the membership ends.
 */

/** What the rules need of a mandate. */
export interface MandateDates {
  signed_on: string;
  last_collected_on: string | null;
  revoked_on: string | null;
}

export type MandateStatus = 'active' | 'revoked' | 'lapsed' | 'memberLeft';

/** Months without a collection after which a mandate lapses. */
export const LAPSE_MONTHS = 36;

/** The day from which the mandate may no longer be used. */
export function lapsesOn(mandate: MandateDates): string {
  return addMonths(mandate.last_collected_on ?? mandate.signed_on, LAPSE_MONTHS);
}

/** The mandate's status on `date` (`YYYY-MM-DD`), given the member's exit date. */
export function statusOn(
  mandate: MandateDates,
  leftOn: string | null,
  date: string,
): MandateStatus {
  if (mandate.revoked_on !== null && mandate.revoked_on <= date) return 'revoked';
  if (lapsesOn(mandate) <= date) return 'lapsed';
  if (leftOn !== null && leftOn <= date) return 'memberLeft';
  return 'active';
}

/**
 * The day the mandate ended (revoked, lapsed or the member left, whichever came first), but
 * never before its last collection: the retention period counts from here. Null while it
 * has not ended by `today`.
 */
export function endedOn(
  mandate: MandateDates,
  leftOn: string | null,
  today: string,
): string | null {
  const ends = [mandate.revoked_on, lapsesOn(mandate), leftOn].filter(
    (date): date is string => date !== null,
  );
  const first = ends.sort()[0];
  if (first === undefined || first > today) return null;
  const last = mandate.last_collected_on;
  return last !== null && last > first ? last : first;
}
