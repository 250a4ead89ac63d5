import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_accounts.ts';
import * as m0003 from './0003_policy.ts';
import * as m0004 from './0004_retention.ts';
import * as m0005 from './0005_keys.ts';
import * as m0008 from './0008_mail_counts.ts';
import * as m0011 from './0011_transparency.ts';
import * as m0012 from './0012_disclosures.ts';
import * as m0013 from './0013_requests.ts';
import * as m0014 from './0014_reminders.ts';
import * as m0015 from './0015_bank_row_currency.ts';
import * as m0016 from './0016_sepa.ts';
import * as m0017 from './0017_assembly.ts';
import * as m0019 from './0019_registry_scale.ts';
import * as m0020 from './0020_mail_runs.ts';
import * as m0021 from './0021_import_runs.ts';

/**
 * Every migration, in order. An explicit list (not a folder scan) so that the same set runs under
 * tsx and from `dist/`, and a stray file can never run by accident.
 */
export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_accounts': m0002,
  '0003_policy': m0003,
  '0004_retention': m0004,
  '0005_keys': m0005,
  '0008_mail_counts': m0008,
  '0011_transparency': m0011,
  '0012_disclosures': m0012,
  '0013_requests': m0013,
  '0014_reminders': m0014,
  '0015_bank_row_currency': m0015,
  '0016_sepa': m0016,
  '0017_assembly': m0017,
  '0019_registry_scale': m0019,
  '0020_mail_runs': m0020,
  '0021_import_runs': m0021,
};
