import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { computeDues, type Due } from '../members/index.ts';
import { listAllBookings, listAllFees, listMemberDates } from './dashboard.repo.ts';

/** One month of the membership: who joined, who left, how many were members at its end. */
export interface MemberMonth {
  month: string;
  joins: number;
  exits: number;
  members: number;
}

/** One month of contributions: what fell due and what was paid (bookings, net of reversals). */
export interface MoneyMonth {
  month: string;
  dueCents: number;
  paidCents: number;
}

/** Unpaid dues by how long they are overdue. */
export interface ArrearsBucket {
  bucket: (typeof BUCKETS)[number]['key'];
  cents: number;
  members: number;
}

export interface Figures {
  today: string;
  members: MemberMonth[];
  money: MoneyMonth[];
  arrears: ArrearsBucket[];
}

/** Age buckets of unpaid dues, in days overdue (upper bound inclusive). */
export const BUCKETS = [
  { key: '0-30', max: 30 },
  { key: '31-90', max: 90 },
  { key: '91-180', max: 180 },
  { key: '181-365', max: 365 },
  { key: 'over365', max: Number.POSITIVE_INFINITY },
] as const;

/** The `count` months up to and including the month of `today`, oldest first (`YYYY-MM`). */
export function lastMonths(today: string, count: number): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7)) - 1;
  return Array.from({ length: count }, (_, index) => {
    const at = new Date(Date.UTC(year, month - (count - 1 - index), 1));
    return at.toISOString().slice(0, 7);
  });
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The dues a member has not paid, oldest first: payments settle the oldest dues first (the
 * rule of § 366 Abs. 2 BGB when the payer names no debt).
 */
export function unpaidDues(dues: readonly Due[], paidCents: number): Due[] {
  let credit = paidCents;
  const open: Due[] = [];
  for (const due of [...dues].sort((a, b) => a.dueOn.localeCompare(b.dueOn))) {
    const covered = Math.max(0, Math.min(credit, due.amountCents));
    credit -= covered;
    if (covered < due.amountCents)
      open.push({ dueOn: due.dueOn, amountCents: due.amountCents - covered });
  }
  return open;
}

/**
 * The board's figures at a glance, computed from the registry and the ledger as they are now:
 * members over the last `months` months, contributions due and paid per month, and arrears
 * by age. Counts and sums only. Read-only.
 */
export async function boardFigures(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  months = 12,
): Promise<Figures> {
  const today = localDate(deps.clock.now(), deps.config.club.timeZone);
  const range = lastMonths(today, months);
  const [members, fees, bookings] = await Promise.all([
    listMemberDates(deps.db),
    listAllFees(deps.db),
    listAllBookings(deps.db),
  ]);
  const memberMonths = range.map((month) => ({
    month,
    joins: members.filter((m) => m.joined_on.startsWith(month)).length,
    exits: members.filter((m) => m.left_on?.startsWith(month) === true).length,
    members: members.filter(
      (m) =>
        m.joined_on.slice(0, 7) <= month && (m.left_on === null || m.left_on.slice(0, 7) > month),
    ).length,
  }));
  const money = new Map(range.map((month) => [month, { month, dueCents: 0, paidCents: 0 }]));
  const paidBy = new Map<string, number>();
  for (const booking of bookings) {
    const entry = money.get(booking.booked_on.slice(0, 7));
    if (entry) entry.paidCents += booking.amount_cents;
    if (booking.member_id)
      paidBy.set(booking.member_id, (paidBy.get(booking.member_id) ?? 0) + booking.amount_cents);
  }
  const arrears = BUCKETS.map((bucket) => ({
    bucket: bucket.key,
    cents: 0,
    members: new Set<string>(),
  }));
  for (const member of members) {
    const dues = computeDues(fees.get(member.id) ?? [], member.joined_on, member.left_on, today);
    for (const due of dues) {
      const entry = money.get(due.dueOn.slice(0, 7));
      if (entry) entry.dueCents += due.amountCents;
    }
    for (const open of unpaidDues(dues, paidBy.get(member.id) ?? 0)) {
      const age = daysBetween(open.dueOn, today);
      const index = BUCKETS.findIndex((bucket) => age <= bucket.max);
      const bucket = arrears[index];
      if (!bucket) continue;
      bucket.cents += open.amountCents;
      bucket.members.add(member.id);
    }
  }
  return {
    today,
    members: memberMonths,
    money: [...money.values()],
    arrears: arrears.map((bucket) => ({
      bucket: bucket.bucket,
      cents: bucket.cents,
      members: bucket.members.size,
    })),
  };
}
