/**
 * The Art. 12(3) GDPR deadline, counted as EU Regulation 1182/71 counts periods. Everything here
 * works on calendar dates (`YYYY-MM-DD`) in the club's time zone; no clock, no I/O.
 *
 * - Art. 3(1): the day of receipt is not counted; a period in months ends with the end of the
 *   day in the last month with the same number as the day of receipt (received 15 Mar → ends
 *   15 Apr).
 * - Art. 3(2)(c): if that day does not exist in the last month, the period ends with the last
 *   day of that month (31 Jan → 28/29 Feb).
 * - Art. 3(4): if the last day is a Saturday, Sunday or public holiday, the period ends with the
 *   next working day. Holidays covered: the nine nationwide German public holidays (New Year,
 *   Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, 3 Oct, 25 and 26 Dec); regional
 *   ones (Epiphany, Corpus Christi, Reformation Day, …) are not.
 * - Pause (our rule): while a confirmation link is pending the clock stops; every calendar day
 *   (or part of one) the request waited is added to the end of the month period, and the
 *   working-day rule is applied to that shifted end.
 */

/** A calendar date `YYYY-MM-DD`. */
export type CalendarDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(date: CalendarDate): { y: number; m: number; d: number } {
  const match = DATE.exec(date);
  if (!match) throw new Error(`not a calendar date: ${date}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

function format(y: number, m: number, d: number): CalendarDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const { y, m, d } = parse(date);
  const at = new Date(Date.UTC(y, m - 1, d + days));
  return format(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const a = parse(from);
  const b = parse(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}

/**
 * The end of a period of `months` months starting on `date` (Art. 3(1) and 3(2)(c), without
 * the working-day rule): the same day number `months` later, or that month's last day.
 */
export function addMonthsClamped(date: CalendarDate, months: number): CalendarDate {
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/** Easter Sunday of `year` (Gregorian, the anonymous algorithm of Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return format(year, month, day);
}

/** The nationwide German public holidays of `year`. */
export function germanHolidays(year: number): Set<CalendarDate> {
  const easter = easterSunday(year);
  return new Set([
    format(year, 1, 1),
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Easter Monday
    format(year, 5, 1),
    addDays(easter, 39), // Ascension
    addDays(easter, 50), // Whit Monday
    format(year, 10, 3),
    format(year, 12, 25),
    format(year, 12, 26),
  ]);
}

/** True when `date` is a Saturday, a Sunday or a nationwide German public holiday. */
export function isNonWorkingDay(date: CalendarDate): boolean {
  const { y, m, d } = parse(date);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday === 0 || weekday === 6 || germanHolidays(y).has(date);
}

/** `date`, or the next working day after it (Art. 3(4)). */
export function nextWorkingDay(date: CalendarDate): CalendarDate {
  let day = date;
  while (isNonWorkingDay(day)) day = addDays(day, 1);
  return day;
}

/**
 * The last day of a period of `months` months from `receivedOn`, after `pausedDays` days of
 * pause, moved to a working day: the day the answer is due at the latest.
 */
export function dueDate(receivedOn: CalendarDate, months = 1, pausedDays = 0): CalendarDate {
  return nextWorkingDay(addDays(addMonthsClamped(receivedOn, months), pausedDays));
}
