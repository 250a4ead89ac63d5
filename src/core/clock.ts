/**
 * Time as a dependency: services ask a `Clock` instead of calling `new Date()`, so tests can
 * move time (a login link expires, a membership ends) without waiting or mocking globals.
 */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests that only moves when told to. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(milliseconds: number): void;
}

/** Creates a {@link ManualClock} standing at `start`. */
export function manualClock(start: Date | string = '2026-03-01T10:00:00.000Z'): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (`YYYY-MM-DD`) of `at` in the club's time zone. */
export function localDate(at: Date, timeZone: string): string {
  // One formatter per zone: Intl objects hold native memory the garbage collector does not see.
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats as ISO year-month-day.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(at);
}
