import { join, sep } from 'node:path';
import { reconcileAccounts } from '../accounts/index.ts';
import type { Actor } from '../core/audit/index.ts';
import type { Activity, RetentionRule, Store } from '../core/config/schema.ts';
import type { DataCategory } from '../core/config/vocabulary.ts';
import type { Config } from '../core/config/load.ts';
import type { Deps } from '../core/deps.ts';
import {
  durationMilliseconds,
  parseDuration,
  subtractDuration,
  type Duration,
} from '../core/duration.ts';
import type { FieldIssue } from '../core/errors.ts';
import { deleteExpiredSessions, deleteLoginLinksBefore } from '../auth/index.ts';
import {
  anonymiseAuditOfErasedMembers,
  ERASABLE_COLUMNS,
  eraseFieldsOfFormerMembers,
  eraseRecordsOfFormerMembers,
  type ErasableField,
} from '../members/index.ts';
import { removeStaleKeys, staleKeysRemoved } from '../keys/index.ts';
import { sweepDirectory } from './directory.ts';
import { sweepLog, type PruneHooks } from './filelog.ts';
import { journaldKeepsWithin, oldestJournalEntry, readJournaldConfig } from './journald.ts';

/**
 * The declaration's retention rules compiled into jobs (design.md §1.3: "every retention rule
 * becomes a job"). A job is named, idempotent and batched; it reports how many items it removed
 * and the start of the oldest item it kept, never contents. Rules that treff does not carry out
 * itself (a daemon's count limit, the browser, RAM) appear as status entries that say who does.
 */

/** What a job run needs. */
export interface JobContext {
  deps: Deps;
  actor: Actor;
  dryRun: boolean;
  /** Files are looked up under this directory (`/` in production, a temp dir in tests). */
  root: string;
  hooks?: PruneHooks;
}

/** What a job run found. */
export interface JobResult {
  removed: number;
  /** ISO date or instant where the age of the oldest kept item counts from. */
  oldestKeptAt: string | null;
  note?: string | undefined;
  /** A check job's verdict (journald): false = the store keeps longer than declared. */
  compliant?: boolean;
}

/** One compiled job. */
export interface RetentionJob {
  /** Stable name, used by `treff retention run NAME` and in the proof. */
  name: string;
  activity: Activity;
  rule: RetentionRule;
  /** The declared period; the status measures the oldest kept item against it (null: none, as
   * for data kept until the person asks, which a job still removes when its conditions end). */
  period: Duration | null;
  /** Whether the period counts from the end of the calendar year (§ 147 Abs. 4 AO). */
  roundUp: boolean;
  /** How often the scheduler runs it. */
  intervalMs: number;
  /** `delete` removes items; `check` only verifies a store that deletes by itself. */
  kind: 'delete' | 'check';
  run(context: JobContext): Promise<JobResult>;
}

/** A rule treff does not run itself, with who keeps it. */
export interface StatusOnly {
  name: string;
  activity: Activity;
  rule: RetentionRule;
  /** i18n key of the explanation. */
  keptBy: 'daemon' | 'memory' | 'browser' | 'request' | 'account';
}

/** The compiled declaration. */
export interface CompiledRetention {
  jobs: RetentionJob[];
  statusOnly: StatusOnly[];
  /** Rules treff cannot carry out (a configuration error; `treff config check` lists them). */
  problems: FieldIssue[];
}

const HOUR = 3_600_000;
const RECORD_FIELDS: readonly DataCategory[] = [
  'memberNumber',
  'firstName',
  'lastName',
  'joinDate',
  'exitDate',
  'contributions',
  'bankTransfers',
];

function cutoff(now: Date, period: Duration): number {
  return subtractDuration(now, period).getTime();
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The store a job's paths live under. */
/**
 * Where a declared path is for this run: `root` re-roots system paths (tests use a temp dir for
 * `/`); a folder inside treff's own data dir (the outbox, the mail quarantine) is used as it is.
 */
function under(root: string, path: string, dataDir?: string): string {
  if (dataDir !== undefined && (path === dataDir || path.startsWith(`${dataDir}${sep}`)))
    return path;
  return join(root, path);
}

function compileDatabase(
  activity: Activity,
  rule: RetentionRule,
  index: number,
  period: Duration,
  store: Extract<Store, { kind: 'database' }>,
): Omit<RetentionJob, 'activity' | 'rule' | 'period' | 'roundUp'> | string {
  const data = rule.data ?? activity.data;
  const name = `${activity.id}.${index + 1}`;
  const roundUp = rule.roundUp === 'endOfYear';
  switch (store.table) {
    case 'members': {
      const erasable = data.filter((item): item is ErasableField => item in ERASABLE_COLUMNS);
      const records = data.filter((item) => RECORD_FIELDS.includes(item));
      const hold = rule.holdWhileOwed
        ? (parseDuration(rule.holdWhileOwed) ?? undefined)
        : undefined;
      if (rule.from !== 'membership.ended')
        return 'the member registry keeps data from membership.ended';
      if (erasable.length > 0 && records.length === 0 && !data.includes('auditEvents')) {
        if (roundUp) return 'contact data cannot wait for the end of the year';
        return {
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: (context) =>
            eraseFieldsOfFormerMembers(context.deps, context.actor, {
              fields: erasable,
              keep: period,
              holdWhileOwed: hold,
              dryRun: context.dryRun,
            }),
        };
      }
      if (records.length > 0 && erasable.length === 0 && !data.includes('auditEvents')) {
        return {
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: (context) =>
            eraseRecordsOfFormerMembers(context.deps, context.actor, {
              keep: period,
              roundUp,
              dryRun: context.dryRun,
            }),
        };
      }
      if (data.length === 1 && data[0] === 'auditEvents') {
        const records = activity.retention.find(
          (other) =>
            other !== rule && (other.data ?? []).some((item) => RECORD_FIELDS.includes(item)),
        );
        const recordsPeriod = records?.keep ? parseDuration(records.keep) : null;
        if (!recordsPeriod || records?.roundUp !== rule.roundUp)
          return 'the audit trail must count like the records (same start and year-end rounding)';
        const delay = Object.fromEntries(
          Object.entries(period).map(([unit, value]) => [
            unit,
            value - recordsPeriod[unit as keyof Duration],
          ]),
        ) as unknown as Duration;
        if (Object.values(delay).some((value) => value < 0))
          return 'the audit trail cannot go before the records';
        return {
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: (context) =>
            anonymiseAuditOfErasedMembers(context.deps, context.actor, {
              delay,
              dryRun: context.dryRun,
            }),
        };
      }
      return 'a stage of the member registry mixes contact data, records and the audit trail';
    }
    case 'login_links':
    case 'users':
    case 'sessions': {
      if (data.every((item) => item === 'sessions')) {
        return {
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: async (context) => ({
            removed: await deleteExpiredSessions(
              context.deps.db,
              context.deps.clock.now(),
              context.dryRun,
            ),
            oldestKeptAt: null,
          }),
        };
      }
      if (
        store.table === 'login_links' &&
        data.every((item) => item === 'loginLinks' || item === 'email')
      ) {
        return {
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: async (context) => {
            const result = await deleteLoginLinksBefore(
              context.deps.db,
              subtractDuration(context.deps.clock.now(), period),
              context.dryRun,
            );
            return { removed: result.removed, oldestKeptAt: result.oldestKept };
          },
        };
      }
      return `no retention job knows ${data.join(', ')} in the table ${store.table}`;
    }
    case 'accounts':
      if (rule.from !== 'membership.ended')
        return 'accounts are deleted counting from membership.ended';
      return {
        name,
        intervalMs: HOUR,
        kind: 'delete',
        run: async (context) => {
          if (context.dryRun)
            return {
              removed: 0,
              oldestKeptAt: null,
              note: 'accounts are reconciled only in real runs',
            };
          const result = await reconcileAccounts(context.deps, context.actor);
          return {
            removed: result.deleted,
            oldestKeptAt: null,
            note: result.disabled > 0 ? `${result.disabled} disabled` : undefined,
          };
        },
      };
    default:
      return `treff has no retention job for the table ${store.table}`;
  }
}

/** Compiles every retention rule of the declaration. Pure: runs nothing. */
export function compileRetention(config: Config): CompiledRetention {
  const compiled: CompiledRetention = { jobs: [], statusOnly: [], problems: [] };
  config.activities.forEach((activity, activityIndex) => {
    activity.retention.forEach((rule, index) => {
      const name = `${activity.id}.${index + 1}`;
      const path = `activities.${activityIndex}.retention.${index}`;
      const problem = (message: string) => compiled.problems.push({ path, message });
      const store = activity.store;
      if (rule.untilRequest && store.kind === 'database' && store.table === 'wkd_keys') {
        // Kept until the member asks, but also removed when the membership or the account ends,
        // or the key expires or is revoked; unconfirmed requests lapse.
        compiled.jobs.push({
          activity,
          rule,
          period: null,
          roundUp: false,
          name,
          intervalMs: HOUR,
          kind: 'delete',
          run: async (context) => {
            const report = await removeStaleKeys(context.deps, context.actor, {
              dryRun: context.dryRun,
            });
            const reasons = Object.entries(report.removed)
              .filter(([, count]) => count > 0)
              .map(([reason, count]) => `${count} ${reason}`);
            if (report.lapsed > 0) reasons.push(`${report.lapsed} unconfirmed lapsed`);
            return {
              removed: staleKeysRemoved(report),
              oldestKeptAt: null,
              note: reasons.length > 0 ? reasons.join(', ') : undefined,
            };
          },
        });
        return;
      }
      if (rule.untilRequest) {
        compiled.statusOnly.push({
          name,
          activity,
          rule,
          keptBy: store.kind === 'client-device' ? 'browser' : 'request',
        });
        return;
      }
      if (rule.keepCount !== undefined) {
        compiled.statusOnly.push({ name, activity, rule, keptBy: 'daemon' });
        return;
      }
      const period = parseDuration(rule.keep ?? '');
      if (!period) {
        problem('no period');
        return;
      }
      const roundUp = rule.roundUp === 'endOfYear';
      const base = { activity, rule, period, roundUp };
      switch (store.kind) {
        case 'memory':
          compiled.statusOnly.push({ name, activity, rule, keptBy: 'memory' });
          return;
        case 'client-device':
          compiled.statusOnly.push({ name, activity, rule, keptBy: 'browser' });
          return;
        case 'maildir':
        case 'home-directory':
          compiled.statusOnly.push({ name, activity, rule, keptBy: 'account' });
          return;
        case 'database': {
          const job = compileDatabase(activity, rule, index, period, store);
          if (typeof job === 'string') problem(job);
          else compiled.jobs.push({ ...base, ...job });
          return;
        }
        case 'file-log':
          if (roundUp || rule.from !== 'created') {
            problem('log lines are kept counting from their creation, without rounding');
            return;
          }
          compiled.jobs.push({
            ...base,
            name,
            intervalMs: HOUR,
            kind: 'delete',
            run: async (context) => {
              const sweep = await sweepLog(
                under(context.root, store.path),
                cutoff(context.deps.clock.now(), period),
                {
                  pruneLive: !store.rotated,
                  dryRun: context.dryRun,
                  now: context.deps.clock.now(),
                  ...(context.hooks ? { hooks: context.hooks } : {}),
                },
              );
              return {
                removed: sweep.filesDeleted + sweep.linesRemoved,
                oldestKeptAt: iso(sweep.oldestKept),
                note: `${sweep.filesDeleted} files, ${sweep.linesRemoved} lines`,
              };
            },
          });
          return;
        case 'directory':
          if (roundUp || rule.from !== 'created') {
            problem('files are kept counting from their creation, without rounding');
            return;
          }
          compiled.jobs.push({
            ...base,
            name,
            // A quarter of the period, at most hourly: a file outlives its time by that much at most.
            intervalMs: Math.min(HOUR, Math.max(60_000, safeMs(period) / 4)),
            kind: 'delete',
            run: async (context) => {
              const sweep = await sweepDirectory(
                under(context.root, store.path, context.deps.config.paths.dataDir),
                cutoff(context.deps.clock.now(), period),
                { dryRun: context.dryRun },
              );
              return { removed: sweep.filesDeleted, oldestKeptAt: iso(sweep.oldestKept) };
            },
          });
          return;
        case 'journald': {
          const keep = rule.keep ?? '';
          compiled.jobs.push({
            ...base,
            name,
            intervalMs: HOUR,
            kind: 'check',
            run: async (context) => {
              const config = await readJournaldConfig(context.root);
              const oldest = context.root === '/' ? await oldestJournalEntry() : null;
              const compliant =
                journaldKeepsWithin(config, keep) &&
                (config.maxFileMs === null || config.maxFileMs <= safeMs(period));
              return {
                removed: 0,
                oldestKeptAt: iso(oldest),
                compliant,
                note: compliant
                  ? 'journald keeps no longer than declared'
                  : `journald MaxRetentionSec is ${config.maxRetentionMs === null ? 'unset (unlimited)' : `${config.maxRetentionMs / 86_400_000} days`}`,
              };
            },
          });
          return;
        }
      }
    });
  });
  return compiled;
}

function safeMs(period: Duration): number {
  try {
    return durationMilliseconds(period);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** For `treff config check`: what the declaration asks that treff cannot carry out. */
export function retentionProblems(config: Config): FieldIssue[] {
  return compileRetention(config).problems;
}
