import type { Deps } from '../core/deps.ts';
import { listFeesOf, sumBookingsOf } from './contributions.repo.ts';
import { computeDues, type Due } from './dues.ts';
import { listMembersForExport } from './members.repo.ts';
import type { Member } from './members.schema.ts';
import { clubToday } from './members.service.ts';

/** A member who owes contributions, with the dues still unpaid, oldest first. */
export interface Arrear {
  member: Member;
  /** Unpaid dues after payments went to the oldest first; the first may be paid in part. */
  unpaid: Due[];
  arrearsCents: number;
}

/**
 * The dues a total of payments leaves unpaid, paying the oldest first (§ 366 Abs. 2 BGB: with
 * no purpose named, a payment settles the debt that fell due first). A due paid in part stays
 * with its remainder.
 */
export function unpaidDues(dues: readonly Due[], paidCents: number): Due[] {
  let left = paidCents;
  const unpaid: Due[] = [];
  for (const due of [...dues].sort((a, b) => a.dueOn.localeCompare(b.dueOn))) {
    if (left >= due.amountCents) {
      left -= due.amountCents;
      continue;
    }
    unpaid.push({ dueOn: due.dueOn, amountCents: due.amountCents - Math.max(0, left) });
    left = 0;
  }
  return unpaid;
}

/**
 * Every member (current or former, never a restricted one) who owes contributions as of today,
 * in three queries whatever the number of members.
 */
export async function listArrears(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<Arrear[]> {
  const today = clubToday(deps);
  const members = await listMembersForExport(deps.db, 'all', today);
  const ids = members.map((member) => member.id);
  const [fees, sums] = await Promise.all([listFeesOf(deps.db, ids), sumBookingsOf(deps.db, ids)]);
  const arrears: Arrear[] = [];
  for (const member of members) {
    const dues = computeDues(fees.get(member.id) ?? [], member.joinedOn, member.leftOn, today);
    const unpaid = unpaidDues(dues, sums.get(member.id) ?? 0);
    const arrearsCents = unpaid.reduce((sum, due) => sum + due.amountCents, 0);
    if (arrearsCents > 0) arrears.push({ member, unpaid, arrearsCents });
  }
  return arrears;
}
