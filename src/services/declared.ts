import type { Config } from '../core/config/load.ts';
import type { Activity } from '../core/config/schema.ts';
import { durationMilliseconds, parseDuration } from '../core/duration.ts';

/**
 * What the daemon renderers and the doctor read from the declaration: one place that turns the
 * declared activities and services into the numbers a daemon setting needs (days of log
 * retention, seconds of upload expiry, the path of the website log).
 */

const DAY = 86_400_000;

/** The retention all service logs must keep, derived from the declaration. */
export interface LogRetention {
  /** The declared duration, e.g. `P10D`. */
  text: string;
  /** Its length in milliseconds. */
  ms: number;
  /** Whole days (at least 1): what daily rotation can express. */
  days: number;
  /** The activity whose rule is the strictest (the one the bound comes from). */
  activityId: string | null;
}

/** Milliseconds of a `keep` duration, or null for calendar durations (years, months). */
function keepMs(keep: string | undefined): number | null {
  if (keep === undefined) return null;
  const duration = parseDuration(keep);
  if (!duration || duration.years || duration.months) return null;
  return durationMilliseconds(duration);
}

/** Whether an activity keeps its data in a log (journald or a log file). */
export function isLogActivity(activity: Activity): boolean {
  return activity.store.kind === 'journald' || activity.store.kind === 'file-log';
}

/**
 * The strictest `keep` among the activities stored in logs (journald or log files). Every log is
 * deleted after this, because journald and logrotate cannot tell one activity's lines from
 * another's. Without any declared log the bound is one day: logs are not declared, so they are
 * kept as briefly as daily rotation allows ("store only what is declared", design.md §1.2).
 */
export function logRetention(config: Config): LogRetention {
  let best: LogRetention | null = null;
  for (const activity of config.activities) {
    if (!isLogActivity(activity)) continue;
    for (const rule of activity.retention) {
      const ms = keepMs(rule.keep);
      if (ms === null || (best && ms >= best.ms)) continue;
      best = {
        text: rule.keep ?? '',
        ms,
        days: Math.max(1, Math.floor(ms / DAY)),
        activityId: activity.id,
      };
    }
  }
  return best ?? { text: 'P1D', ms: DAY, days: 1, activityId: null };
}

/** Upload expiry in whole seconds (Prosody 0.12 reads a number, services.md §8.4). */
export function uploadExpirySeconds(config: Config): number | null {
  const upload = config.services.xmpp?.upload;
  if (!upload) return null;
  const ms = keepMs(upload.expireAfter);
  if (ms === null) throw new Error('services.xmpp.upload.expireAfter must be days, hours or less');
  return Math.floor(ms / 1000);
}

/**
 * The file the website's access log goes to: the `file-log` store of the website's activity.
 * Null when the website declares no log (then nothing is logged at all).
 */
export function websiteLogPath(config: Config): string | null {
  for (const activity of config.activities) {
    if (activity.service === 'website' && activity.store.kind === 'file-log') {
      return activity.store.path;
    }
  }
  return null;
}

/** A promise's short name as the doctor prints it, e.g. `logs 10 days`. */
export function logPromise(config: Config): string {
  const { days, ms } = logRetention(config);
  return ms % DAY === 0 ? `logs ${days} days` : `logs ${Math.round(ms / 3_600_000)} hours`;
}

/** A human duration for seconds: `24 hours`, `10 days`, `90 seconds` (as the policy says it). */
export function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 2 * 86_400) return `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/**
 * The club's certificate and key, one setting for every daemon that speaks TLS (issue 14): the
 * declared `tls`, or the files Debian's certbot writes for the website's domain (the club's
 * domain without a website).
 */
export function tlsPaths(config: Config): { certificate: string; key: string } {
  if (config.tls) return config.tls;
  const domain = config.services.website?.domain ?? config.club.domain;
  const live = `/etc/letsencrypt/live/${domain}`;
  return { certificate: `${live}/fullchain.pem`, key: `${live}/privkey.pem` };
}
