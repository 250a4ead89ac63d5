import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';

/**
 * Every migration, in order. An explicit list (not a folder scan) so that the same set runs under
 * tsx and from `dist/`, and a stray file can never run by accident.
 */
export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
};
