import type { Config } from '../core/config/load.ts';
import { ForbiddenError } from '../core/errors.ts';

/**
 * Invitations keep a delivery record per member: only when the declaration sets the notice
 * period (`members.assembly`) and an activity declares `assemblyInvitations` in the table
 * `assemblies` (with its retention).
 * @throws ForbiddenError `assembly_not_declared` otherwise.
 */
export function requireAssemblyDeclared(config: Pick<Config, 'members' | 'activities'>): string {
  const declared = config.activities.some(
    (activity) =>
      activity.store.kind === 'database' &&
      activity.store.table === 'assemblies' &&
      activity.data.includes('assemblyInvitations'),
  );
  const period = config.members.assembly?.noticePeriod;
  if (!declared || !period)
    throw new ForbiddenError(
      'assembly_not_declared',
      'This club declares no assembly invitations (members.assembly.noticePeriod and an activity with assemblyInvitations in the table assemblies).',
    );
  return period;
}
