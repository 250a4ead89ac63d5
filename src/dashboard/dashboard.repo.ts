import type { Db } from '../core/db/database.ts';
import type { Fee } from '../members/index.ts';

/**
 * The few columns the board's figures need, read in three queries for the whole club: join and
 * exit dates, fees, bookings. No name, no address: the dashboard shows counts and sums only.
 */

export interface MemberDates {
  id: string;
  joined_on: string;
  left_on: string | null;
}

export async function listMemberDates(db: Db): Promise<MemberDates[]> {
  return db.selectFrom('members').select(['id', 'joined_on', 'left_on']).execute();
}

export async function listAllFees(db: Db): Promise<Map<string, Fee[]>> {
  const rows = await db
    .selectFrom('member_fees')
    .select(['id', 'member_id', 'amount_cents', 'interval_months', 'valid_from'])
    .execute();
  const fees = new Map<string, Fee[]>();
  for (const row of rows) {
    const list = fees.get(row.member_id) ?? [];
    list.push({
      id: row.id,
      amountCents: row.amount_cents,
      intervalMonths: row.interval_months,
      validFrom: row.valid_from,
    });
    fees.set(row.member_id, list);
  }
  return fees;
}

/** Every booking of a member (payments and reversals, which are negative). */
export async function listAllBookings(
  db: Db,
): Promise<{ member_id: string | null; booked_on: string; amount_cents: number }[]> {
  return db.selectFrom('bookings').select(['member_id', 'booked_on', 'amount_cents']).execute();
}
