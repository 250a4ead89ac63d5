import type { Config } from '../core/config/load.ts';
import { ForbiddenError } from '../core/errors.ts';

/**
 * Store only what is declared (design.md §1.2): bank details exist in treff only when the
 * declaration sets `members.directDebit` and an activity declares `bankAccount` and
 * `directDebitMandates` in the table `sepa_mandates` (the config check demands both together).
 * Every form, route and command of this module asks here first.
 */
export function bankDetailsDeclared(config: Pick<Config, 'members' | 'activities'>): boolean {
  if (!config.members.directDebit) return false;
  return config.activities.some(
    (activity) =>
      activity.store.kind === 'database' &&
      activity.store.table === 'sepa_mandates' &&
      activity.data.includes('bankAccount') &&
      activity.data.includes('directDebitMandates'),
  );
}

/** @throws ForbiddenError `bank_details_not_declared` unless {@link bankDetailsDeclared}. */
export function requireBankDetails(config: Pick<Config, 'members' | 'activities'>): void {
  if (!bankDetailsDeclared(config))
    throw new ForbiddenError(
      'bank_details_not_declared',
      'This club does not declare bank details (members.directDebit and an activity with bankAccount in the table sepa_mandates), so treff stores no IBAN or mandate.',
    );
}
