import { join, sep } from 'node:path';
import { reconcileAccounts } from '../accounts/index.ts';
import { sweepAssemblies } from '../assembly/index.ts';
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
import { deleteLoginLinksBefore, deleteSessionsCreatedBefore } from '../auth/index.ts';
import {
  anonymiseAuditOfErasedMembers,
  ERASABLE_COLUMNS,
  eraseFieldsOfFormerMembers,
  eraseRecordsOfFormerMembers,
  type ErasableField,
} from '../members/index.ts';
import { removeStaleKeys, staleKeysRemoved } from '../keys/index.ts';
import { purgeDisclosures } from '../transparency/index.ts';
import { sweepClosedRequests } from '../requests/index.ts';
import { sweepEndedMandates } from '../sepa/index.ts';
import { deleteSendsBefore } from '../dunning/index.ts';
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
  /** How many items (files) the store keeps after the run, where that is countable. */
  kept?: number;
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
  /** True for a job that removes only files: its runs release no database pages. */
  filesOnly?: true;
  run(context: JobContext): Promise<JobResult>;
}

/**
 * Which jobs a run takes: `treff` those treff's own user can carry out (the database, files in
 * its data dir), `system` those that sweep a folder outside it (the website's log under
 * /var/log/treff and Prosody's uploads, which only root may list and delete; the backups); `all`
 * both. Installed, treff.service runs `treff` and the root treff-sync.service `system`.
 */
export type JobScope = 'all' | 'treff' | 'system';

/** Whether `job` sweeps a folder outside treff's data dir (see {@link JobScope}). */
export function sweepsSystemFolder(job: RetentionJob, dataDir: string): boolean {
  const store = job.activity.store;
  if (store.kind !== 'file-log' && store.kind !== 'directory') return false;
  const dir = dataDir.replace(/\/+$/, '');
  return store.path !== dir && !store.path.startsWith(`${dir}/`);
}

/** The jobs of `scope`. */
export function jobsInScope(
  jobs: readonly RetentionJob[],
  scope: JobScope,
  dataDir: string,
): RetentionJob[] {
  if (scope === 'all') return [...jobs];
  return jobs.filter((job) => sweepsSystemFolder(job, dataDir) === (scope === 'system'));
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

/**
 * Where a declared path is for this run: `root` re-roots system paths (tests use a temp dir for
 * `/`); a folder inside treff's own data dir (the outbox, the mail quarantine) is used as it is.
 */
function under(root: string, path: string, dataDir?: string): string {
  if (dataDir !== undefined && (path === dataDir || path.startsWith(`${dataDir}${sep}`)))
    return path;
  return join(root, path);
}

/** What one rule compiles to: a job, a status entry naming who keeps it, or a problem. */
type CompiledRule = { job: RetentionJob } | { keptBy: StatusOnly['keptBy'] } | { problem: string };

/** A job's own parts; the rule's fields (activity, rule, period, rounding) are added around it. */
type JobBody = Omit<RetentionJob, 'activity' | 'rule' | 'period' | 'roundUp'>;

/** Where a rule's job comes from: its activity, the rule, its stable name and its period. */
interface RuleSite {
  activity: Activity;
  rule: RetentionRule;
  name: string;
  period: Duration;
}

function deleteJob(name: string, run: RetentionJob['run']): JobBody {
  return { name, intervalMs: HOUR, kind: 'delete', run };
}

/** The staged erasure of former members: contact data, then records, then the audit trail. */
function compileMemberRegistry({ activity, rule, name, period }: RuleSite): JobBody | string {
  const data = rule.data ?? activity.data;
  const roundUp = rule.roundUp === 'endOfYear';
  const erasable = data.filter((item): item is ErasableField => item in ERASABLE_COLUMNS);
  const records = data.filter((item) => RECORD_FIELDS.includes(item));
  const hold = rule.holdWhileOwed ? (parseDuration(rule.holdWhileOwed) ?? undefined) : undefined;
  if (rule.from !== 'membership.ended')
    return 'the member registry keeps data from membership.ended';
  if (erasable.length > 0 && records.length === 0 && !data.includes('auditEvents')) {
    if (roundUp) return 'contact data cannot wait for the end of the year';
    return deleteJob(name, (context) =>
      eraseFieldsOfFormerMembers(context.deps, context.actor, {
        fields: erasable,
        keep: period,
        holdWhileOwed: hold,
        dryRun: context.dryRun,
      }),
    );
  }
  if (records.length > 0 && erasable.length === 0 && !data.includes('auditEvents')) {
    return deleteJob(name, (context) =>
      eraseRecordsOfFormerMembers(context.deps, context.actor, {
        keep: period,
        roundUp,
        dryRun: context.dryRun,
      }),
    );
  }
  if (data.length === 1 && data[0] === 'auditEvents')
    return compileAuditTrail({ activity, rule, name, period });
  return 'a stage of the member registry mixes contact data, records and the audit trail';
}

/** The audit trail of erased members goes a fixed delay after their records. */
function compileAuditTrail({ activity, rule, name, period }: RuleSite): JobBody | string {
  const records = activity.retention.find(
    (other) => other !== rule && (other.data ?? []).some((item) => RECORD_FIELDS.includes(item)),
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
  return deleteJob(name, (context) =>
    anonymiseAuditOfErasedMembers(context.deps, context.actor, { delay, dryRun: context.dryRun }),
  );
}

/** Sessions and login links of the web logins. */
function compileLogins(
  { activity, rule, name, period }: RuleSite,
  table: 'login_links' | 'users' | 'sessions',
): JobBody | string {
  const data = rule.data ?? activity.data;
  if (data.every((item) => item === 'sessions')) {
    // Counted from login, not from the session's own expiry: a longer web.sessionTtl
    // (refused by config check) must not keep a session past the declared period.
    const owner = table === 'users' ? 'user' : table === 'login_links' ? 'member' : 'all';
    return deleteJob(name, async (context) => {
      const now = context.deps.clock.now();
      const result = await deleteSessionsCreatedBefore(context.deps.db, {
        before: subtractDuration(now, period),
        now,
        owner,
        dryRun: context.dryRun,
      });
      return { removed: result.removed, oldestKeptAt: result.oldestKept };
    });
  }
  if (table === 'login_links' && data.every((item) => item === 'loginLinks' || item === 'email')) {
    return deleteJob(name, async (context) => {
      const result = await deleteLoginLinksBefore(
        context.deps.db,
        subtractDuration(context.deps.clock.now(), period),
        context.dryRun,
      );
      return { removed: result.removed, oldestKeptAt: result.oldestKept };
    });
  }
  return `no retention job knows ${data.join(', ')} in the table ${table}`;
}

/** The register of disclosures: requests go the declared period after they were received. */
function compileDisclosures({ rule, name, period }: RuleSite): JobBody | string {
  if (rule.from !== 'created') return 'the register of disclosures counts from created';
  return deleteJob(name, async (context) => {
    const cutoff = subtractDuration(context.deps.clock.now(), period).toISOString().slice(0, 10);
    const result = await purgeDisclosures(context.deps, context.actor, cutoff, {
      dryRun: context.dryRun,
    });
    return { removed: result.removed, oldestKeptAt: result.oldestKept };
  });
}

/** Member accounts: disabled when the membership ends, deleted after the declared period. */
function compileAccounts({ rule, name }: RuleSite): JobBody | string {
  if (rule.from !== 'membership.ended')
    return 'accounts are deleted counting from membership.ended';
  return deleteJob(name, async (context) => {
    if (context.dryRun)
      return { removed: 0, oldestKeptAt: null, note: 'accounts are reconciled only in real runs' };
    const result = await reconcileAccounts(context.deps, context.actor);
    return {
      removed: result.deleted,
      oldestKeptAt: null,
      note: result.disabled > 0 ? `${result.disabled} disabled` : undefined,
    };
  });
}

/**
 * The request ledger: the raw mail (and the requester's address) goes when the request closes
 * (`keep: P0D`, swept here if its deletion at closing failed); the ledger rows after the
 * declared period from closing.
 */
function compileRequests({ activity, rule, name, period }: RuleSite): JobBody | string {
  if (rule.from !== 'request.closed') return 'the request ledger keeps data from request.closed';
  const data = rule.data ?? activity.data;
  if (data.every((item) => item === 'mailContents' || item === 'email')) {
    if (Object.values(period).some((value) => value !== 0))
      return 'the raw request mail goes when the request closes (keep: P0D)';
    return deleteJob(name, (context) =>
      sweepClosedRequests(context.deps, { what: 'mail' }, context.dryRun),
    );
  }
  if (data.every((item) => item === 'requestRecords')) {
    return deleteJob(name, (context) =>
      sweepClosedRequests(
        context.deps,
        { what: 'ledger', before: subtractDuration(context.deps.clock.now(), period) },
        context.dryRun,
      ),
    );
  }
  return `no retention job knows ${data.join(', ')} in the table requests`;
}

/** SEPA mandates (with their debits) go the declared period after the mandate ended. */
function compileMandates({ rule, name }: RuleSite): JobBody | string {
  if (rule.from !== 'mandate.ended') return 'mandates are kept counting from mandate.ended';
  if (rule.roundUp === 'endOfYear') return 'mandates are kept without year-end rounding';
  const keep = rule.keep ?? '';
  return deleteJob(name, async (context) => {
    const result = await sweepEndedMandates(context.deps, context.actor, keep, context.dryRun);
    return { removed: result.removed, oldestKeptAt: result.oldestKept };
  });
}

/**
 * Assemblies: the delivery records (with the address used) go the declared period after the
 * assembly was created; the assembly with its minutes after theirs.
 */
function compileAssemblies({ activity, rule, name }: RuleSite): JobBody | string {
  if (rule.from !== 'created') return 'assemblies are kept counting from created';
  const data = rule.data ?? activity.data;
  const what = data.every((item) => item === 'assemblyMinutes')
    ? 'minutes'
    : data.every((item) => item === 'assemblyInvitations' || item === 'email')
      ? 'deliveries'
      : null;
  if (!what) return 'a stage of the assemblies mixes the delivery records and the minutes';
  const keep = rule.keep ?? '';
  return deleteJob(name, async (context) => {
    const result = await sweepAssemblies(context.deps, context.actor, {
      what,
      keep,
      roundUp: rule.roundUp === 'endOfYear',
      dryRun: context.dryRun,
    });
    return { removed: result.removed, oldestKeptAt: result.oldestKept };
  });
}

/**
 * Records of payment reminders: deleted the declared period after they were made, with
 * `roundUp: endOfYear` counted from the end of that year (as the limitation of § 199 BGB).
 */
function compileReminderRecords({ rule, name, period }: RuleSite): JobBody | string {
  if (rule.from !== 'created') return 'reminder records are kept counting from created';
  return deleteJob(name, async (context) => {
    const cutoff = subtractDuration(context.deps.clock.now(), period);
    // Kept until the end of its year plus the period: everything made before 1 January of the
    // cutoff's year has run out.
    const before =
      rule.roundUp === 'endOfYear'
        ? `${cutoff.toISOString().slice(0, 4)}-01-01T00:00:00.000Z`
        : cutoff.toISOString();
    const result = await deleteSendsBefore(context.deps.db, before, context.dryRun);
    return { removed: result.removed, oldestKeptAt: result.oldestKept };
  });
}

function compileDatabase(
  site: RuleSite,
  store: Extract<Store, { kind: 'database' }>,
): JobBody | string {
  switch (store.table) {
    case 'members':
      return compileMemberRegistry(site);
    case 'login_links':
    case 'users':
    case 'sessions':
      return compileLogins(site, store.table);
    case 'accounts':
      return compileAccounts(site);
    case 'disclosures':
      return compileDisclosures(site);
    case 'requests':
      return compileRequests(site);
    case 'sepa_mandates':
      return compileMandates(site);
    case 'assemblies':
      return compileAssemblies(site);
    case 'reminder_sends':
      return compileReminderRecords(site);
    default:
      return `treff has no retention job for the table ${store.table}`;
  }
}

/**
 * Published WKD keys: kept until the member asks, but also removed when the membership or the
 * account ends, or the key expires or is revoked; unconfirmed requests lapse.
 */
function compileStaleKeys(name: string): JobBody {
  return deleteJob(name, async (context) => {
    const report = await removeStaleKeys(context.deps, context.actor, { dryRun: context.dryRun });
    const reasons = Object.entries(report.removed)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${count} ${reason}`);
    if (report.lapsed > 0) reasons.push(`${report.lapsed} unconfirmed lapsed`);
    return {
      removed: staleKeysRemoved(report),
      oldestKeptAt: null,
      note: reasons.length > 0 ? reasons.join(', ') : undefined,
    };
  });
}

/** A log file whose lines are pruned by age (rotated files deleted, a live file rewritten). */
function compileFileLog(
  { rule, name, period }: RuleSite,
  store: Extract<Store, { kind: 'file-log' }>,
): JobBody | string {
  if (rule.roundUp === 'endOfYear' || rule.from !== 'created')
    return 'log lines are kept counting from their creation, without rounding';
  return {
    ...deleteJob(name, async (context) => {
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
        kept: sweep.filesKept,
        note: `${sweep.filesDeleted} files, ${sweep.linesRemoved} lines`,
      };
    }),
    filesOnly: true,
  };
}

/** A directory whose files go a period after they were written (uploads, outbox). */
function compileDirectory(
  { rule, name, period }: RuleSite,
  store: Extract<Store, { kind: 'directory' }>,
): JobBody | string {
  if (rule.roundUp === 'endOfYear' || rule.from !== 'created')
    return 'files are kept counting from their creation, without rounding';
  return {
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
      return {
        removed: sweep.filesDeleted,
        oldestKeptAt: iso(sweep.oldestKept),
        kept: sweep.filesKept,
      };
    },
  };
}

/** journald deletes by itself: the job checks that its settings keep no longer than declared. */
function compileJournald({ rule, name, period }: RuleSite): JobBody {
  const keep = rule.keep ?? '';
  return {
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
  };
}

/** A rule with a period, by the kind of store it names. */
function compileTimedRule(site: RuleSite, store: Store): CompiledRule {
  const job = (body: JobBody | string): CompiledRule =>
    typeof body === 'string'
      ? { problem: body }
      : {
          job: {
            activity: site.activity,
            rule: site.rule,
            period: site.period,
            roundUp: site.rule.roundUp === 'endOfYear',
            ...body,
          },
        };
  switch (store.kind) {
    case 'memory':
      return { keptBy: 'memory' };
    case 'client-device':
      return { keptBy: 'browser' };
    case 'maildir':
    case 'home-directory':
      return { keptBy: 'account' };
    case 'database':
      return job(compileDatabase(site, store));
    case 'file-log':
      return job(compileFileLog(site, store));
    case 'directory':
      return job(compileDirectory(site, store));
    case 'journald':
      return job(compileJournald(site));
  }
}

/** Compiles one rule of one activity. */
function compileRule(activity: Activity, rule: RetentionRule, name: string): CompiledRule {
  const store = activity.store;
  if (rule.untilRequest && store.kind === 'database' && store.table === 'wkd_keys')
    return { job: { activity, rule, period: null, roundUp: false, ...compileStaleKeys(name) } };
  if (rule.untilRequest) return { keptBy: store.kind === 'client-device' ? 'browser' : 'request' };
  if (rule.keepCount !== undefined) return { keptBy: 'daemon' };
  const period = parseDuration(rule.keep ?? '');
  if (!period) return { problem: 'no period' };
  return compileTimedRule({ activity, rule, name, period }, store);
}

/** Compiles every retention rule of the declaration. Pure: runs nothing. */
export function compileRetention(config: Config): CompiledRetention {
  const compiled: CompiledRetention = { jobs: [], statusOnly: [], problems: [] };
  config.activities.forEach((activity, activityIndex) => {
    activity.retention.forEach((rule, index) => {
      const name = `${activity.id}.${index + 1}`;
      const result = compileRule(activity, rule, name);
      if ('job' in result) compiled.jobs.push(result.job);
      else if ('keptBy' in result)
        compiled.statusOnly.push({ name, activity, rule, keptBy: result.keptBy });
      else
        compiled.problems.push({
          path: `activities.${activityIndex}.retention.${index}`,
          message: result.problem,
        });
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
