/**
 * Contribution dues from a member's fee history, computed, never stored: a fee of `amount` per
 * `intervalMonths` falls due on its start date and every interval after, while the member is a
 * member (due dates before the exit date) and not after `today`. A later fee replaces an earlier
 * one from its own start date on.
 */
export interface Fee {
  id: string;
  amountCents: number;
  intervalMonths: number;
  validFrom: string;
}

export interface Due {
  dueOn: string;
  amountCents: number;
}

/** Adds whole months to a `YYYY-MM-DD` date, clamping to the month's last day (Jan 31 + 1 = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * Every due of a member up to and including `today`.
 * @param fees the member's fees, any order
 * @param joinedOn dues never start before the join date
 * @param leftOn no due on or after the exit date
 */
export function computeDues(
  fees: readonly Fee[],
  joinedOn: string,
  leftOn: string | null,
  today: string,
): Due[] {
  const sorted = [...fees].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const dues: Due[] = [];
  sorted.forEach((fee, index) => {
    const next = sorted[index + 1];
    const start = fee.validFrom > joinedOn ? fee.validFrom : joinedOn;
    for (let k = 0; ; k++) {
      const dueOn = addMonths(start, k * fee.intervalMonths);
      if (dueOn > today) break;
      if (next && dueOn >= next.validFrom) break;
      if (leftOn && dueOn >= leftOn) break;
      if (fee.amountCents > 0) dues.push({ dueOn, amountCents: fee.amountCents });
    }
  });
  return dues;
}

/** Balance of an account: payments minus dues; negative means arrears. */
export function balanceOf(bookingsTotalCents: number, dues: readonly Due[]): number {
  return bookingsTotalCents - dues.reduce((sum, due) => sum + due.amountCents, 0);
}
