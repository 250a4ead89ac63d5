import type { Config } from '../core/config/load.ts';
import type { Due } from '../members/index.ts';

/** The reminder stages of a declaration (`members.reminders.stages`). */
export type Stage = NonNullable<Config['members']['reminders']>['stages'][number];

/**
 * The day a claim becomes time-barred: the regular limitation period is three years (§ 195
 * BGB) and starts at the end of the year in which the claim arose (§ 199 Abs. 1 BGB), so a fee
 * due on 2026-03-01 can be enforced until 2029-12-31 and is barred from 2030-01-01. Returns the
 * last day on which it can still be claimed.
 */
export function limitationDate(dueOn: string): string {
  return `${Number(dueOn.slice(0, 4)) + 3}-12-31`;
}

/** Whole days from `from` to `to` (calendar dates). */
export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A reminder sent before, as the plan needs it. */
export interface SentStage {
  stage: string;
  claimDueOn: string;
  /** Calendar date (club time zone) it was recorded. */
  on: string;
}

/** Which stage is due for one claim, or why none. */
export type StageDecision =
  | { kind: 'due'; stage: Stage; index: number }
  | { kind: 'waiting'; next: Stage; on: string }
  | { kind: 'done' };

/**
 * The next stage for a claim (named by its oldest unpaid due): the first stage not yet sent for
 * it, once the due is that stage's `afterDays` overdue and, after an earlier stage, the days
 * between the two stages have passed since it went out. Stages go in order, each at most once.
 */
export function nextStage(
  stages: readonly Stage[],
  oldestDueOn: string,
  sent: readonly SentStage[],
  today: string,
): StageDecision {
  const forClaim = sent.filter((entry) => entry.claimDueOn === oldestDueOn);
  const index = stages.findIndex((stage) => !forClaim.some((entry) => entry.stage === stage.id));
  const stage = stages[index];
  if (!stage) return { kind: 'done' };
  const overdue = daysFrom(oldestDueOn, today);
  const before = stages[index - 1];
  const beforeSent = before && forClaim.find((entry) => entry.stage === before.id);
  const gapOn =
    before && beforeSent ? addDays(beforeSent.on, stage.afterDays - before.afterDays) : null;
  const dueOn = addDays(oldestDueOn, stage.afterDays);
  const on = gapOn && gapOn > dueOn ? gapOn : dueOn;
  if (overdue >= stage.afterDays && on <= today) return { kind: 'due', stage, index };
  return { kind: 'waiting', next: stage, on };
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The unpaid dues with the day each becomes time-barred. */
export function claimsOf(unpaid: readonly Due[]): (Due & { limitationOn: string })[] {
  return unpaid.map((due) => ({ ...due, limitationOn: limitationDate(due.dueOn) }));
}
