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
  // Plain integer arithmetic: the member list computes thousands of due dates per page, and
  // building Date objects for each made this the hottest function of a request.
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${String(targetYear).padStart(4, '0')}-${pad2(targetMonth)}-${pad2(targetDay)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
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
