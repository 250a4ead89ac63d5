/**
 * ISO 8601 durations as the declaration writes them (`P10D`, `PT24H`, `P8Y`, `P1Y2M`, `P0D`).
 *
 * Own code because the standard `Temporal.Duration` is not in Node 20 and the small npm parsers
 * either accept fractional or negative values we must refuse, or are unmaintained. Weeks may not
 * be combined with other units (ISO 8601-1 §5.5.2.4); fractions are refused.
 */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses an ISO 8601 duration; returns `null` when the text is not one. */
export function parseDuration(text: string): Duration | null {
  const match = PATTERN.exec(text);
  if (!match) return null;
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part: string | undefined) => (part === undefined ? 0 : Number(part))) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (weeks > 0 && years + months + days + hours + minutes + seconds > 0) return null;
  return { years, months, weeks, days, hours, minutes, seconds };
}

/** Adds a duration to an instant in UTC: calendar units first (clamping the day), then time. */
export function addDuration(at: Date, duration: Duration): Date {
  const result = new Date(at.getTime());
  if (duration.years || duration.months) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + duration.years * 12 + duration.months);
    const lastDay = new Date(
      Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
    ).getUTCDate();
    result.setUTCDate(Math.min(day, lastDay));
  }
  const days = duration.weeks * 7 + duration.days;
  const ms =
    ((days * 24 + duration.hours) * 60 + duration.minutes) * 60_000 + duration.seconds * 1000;
  return new Date(result.getTime() + ms);
}

/** Subtracts a duration from an instant: the same calendar and time units, walked back. */
export function subtractDuration(at: Date, duration: Duration): Date {
  const negated: Duration = {
    years: -duration.years,
    months: -duration.months,
    weeks: -duration.weeks,
    days: -duration.days,
    hours: -duration.hours,
    minutes: -duration.minutes,
    seconds: -duration.seconds,
  };
  return addDuration(at, negated);
}

/** The length in milliseconds of a duration without years or months; throws otherwise. */
export function durationMilliseconds(duration: Duration): number {
  if (duration.years || duration.months) {
    throw new RangeError('A duration with years or months has no fixed length.');
  }
  return addDuration(new Date(0), duration).getTime();
}
