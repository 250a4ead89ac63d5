import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recordAudit, recordAuditBatch, type Actor } from '../core/audit/index.ts';
import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { parseDuration, subtractDuration } from '../core/duration.ts';
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../core/errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { translator } from '../core/i18n/index.ts';
import { newId } from '../core/ids.ts';
import { deliverMail } from '../core/mail/delivery.ts';
import { latestMailRun, leaseCutoff, mailRunRunning, startMailRun } from '../core/mail/runs.ts';
import { parseOrThrow } from '../core/validation.ts';
import { requireAssemblyDeclared } from './assembly.gate.ts';
import { assemblyMessages } from './assembly.messages.ts';
import {
  assembliesCreatedBefore,
  claimDelivery,
  deleteAssemblies,
  deleteDeliveriesOf,
  findAssembly,
  insertAssembly,
  listActiveMembers,
  listAssemblies,
  listDeliveries,
  listDeliveriesOfMember,
  oldestDeliveryAt,
  settleDelivery,
  setMinutes,
  type AssemblyRow,
  type DeliveryRow,
  type Invitee,
} from './assembly.repo.ts';
import { InvitationInput } from './assembly.schema.ts';

type AssemblyDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

function today(deps: Pick<Deps, 'clock' | 'config'>): string {
  return localDate(deps.clock.now(), deps.config.club.timeZone);
}

/** The last day on which an invitation to an assembly on `startsAt` may go out. */
export function sendByDate(startsAt: string, noticePeriod: string): string {
  const period = parseDuration(noticePeriod);
  if (!period) throw new Error(`not a duration: ${noticePeriod}`);
  return subtractDuration(new Date(`${startsAt.slice(0, 10)}T00:00:00Z`), period)
    .toISOString()
    .slice(0, 10);
}

function tooLate(sendBy: string, period: string): ValidationError {
  return new ValidationError('invitation_too_late', 'The notice period is over.', [
    {
      path: 'startsAt',
      message: `under the notice period ${period} the invitation had to go out by ${sendBy}`,
    },
  ]);
}

/**
 * Records an invitation and computes its deadline from the declared notice period.
 * @throws ForbiddenError `assembly_not_declared`; ValidationError `invitation_invalid` or
 * `invitation_too_late` (the deadline has passed).
 */
export async function createInvitation(
  deps: AssemblyDeps,
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<AssemblyRow> {
  const period = requireAssemblyDeclared(deps.config);
  const input = parseOrThrow(
    InvitationInput,
    raw,
    'invitation_invalid',
    'The invitation is not valid.',
  );
  const sendBy = sendByDate(input.startsAt, period);
  if (sendBy < today(deps)) throw tooLate(sendBy, period);
  const row: AssemblyRow = {
    id: newId(),
    title: input.title,
    starts_at: input.startsAt,
    mode: input.mode,
    place: input.place,
    online_access: input.onlineAccess,
    virtual_resolution: input.virtualResolution,
    agenda: input.agenda,
    send_by: sendBy,
    minutes_name: null,
    minutes_size: null,
    minutes_at: null,
    created_at: deps.clock.now().toISOString(),
    created_by: actor.id ?? actor.type,
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertAssembly(trx, row);
    await recordAudit(trx, deps.clock.now(), actor, {
      event: 'assembly.invitation.created',
      objectId: row.id,
    });
  });
  return row;
}

async function requireAssembly(deps: Pick<Deps, 'db'>, id: string): Promise<AssemblyRow> {
  const row = await findAssembly(deps.db, id);
  if (!row) throw new NotFoundError('assembly_not_found', 'There is no such assembly.');
  return row;
}

/** One member's line in the proof of invitation. */
export interface DeliveryLine {
  member: Invitee;
  delivery: DeliveryRow | null;
}

/** An invitation with the proof of delivery for every member active today. */
export interface InvitationReport {
  assembly: AssemblyRow;
  lines: DeliveryLine[];
  /** Members with no delivery record, a failed one or one still `sending`: not reached yet. */
  unreached: DeliveryLine[];
  /** Members without an email address: to be invited by letter. */
  letters: DeliveryLine[];
}

/** The proof of invitation of one assembly. @throws NotFoundError `assembly_not_found`. */
export async function invitationReport(deps: AssemblyDeps, id: string): Promise<InvitationReport> {
  requireAssemblyDeclared(deps.config);
  const assembly = await requireAssembly(deps, id);
  const deliveries = new Map(
    (await listDeliveries(deps.db, id)).map((row) => [row.member_id, row]),
  );
  const members = await listActiveMembers(deps.db, today(deps));
  const lines = members.map((member) => ({ member, delivery: deliveries.get(member.id) ?? null }));
  return {
    assembly,
    lines,
    unreached: lines.filter(
      (line) =>
        !line.delivery || line.delivery.status === 'failed' || line.delivery.status === 'sending',
    ),
    letters: lines.filter((line) => line.delivery?.status === 'letter'),
  };
}

export async function listInvitations(deps: AssemblyDeps): Promise<AssemblyRow[]> {
  requireAssemblyDeclared(deps.config);
  return listAssemblies(deps.db);
}

/** The assembly, when its invitation may still go out. */
async function sendableAssembly(deps: AssemblyDeps, id: string): Promise<AssemblyRow> {
  const period = requireAssemblyDeclared(deps.config);
  const assembly = await requireAssembly(deps, id);
  if (assembly.send_by < today(deps)) throw tooLate(assembly.send_by, period);
  return assembly;
}

/**
 * Sends the invitation, in the foreground, to every member active today who is not reached
 * yet (see {@link inviteUnreached}). Refused after the deadline. The web starts a run instead
 * ({@link startInvitationRun}).
 * @throws ForbiddenError `assembly_not_declared`; NotFoundError `assembly_not_found`;
 * ValidationError `invitation_too_late`.
 * @returns the proof of invitation after the run.
 */
export async function sendInvitation(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  actor: Actor,
  id: string,
): Promise<InvitationReport> {
  const assembly = await sendableAssembly(deps, id);
  await inviteUnreached(deps, actor, assembly, () => Promise.resolve());
  return invitationReport(deps, id);
}

/**
 * Sends the invitation in the foreground as a run (the CLI): the web's progress page shows it
 * like a run started there, and `onProgress` hears after every member how many of those not
 * reached at the start are done.
 * @throws as {@link sendInvitation}; ConflictError `invitation_sending` when a run sends it now.
 */
export async function sendInvitationRun(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'background'>,
  actor: Actor,
  id: string,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<InvitationReport> {
  const assembly = await sendableAssembly(deps, id);
  const { started } = await startMailRun(
    deps,
    {
      subject: invitationRunSubject(id),
      startedBy: `${actor.type}:${actor.id ?? '-'}`,
      name: 'assembly.invitations',
      foreground: true,
    },
    (beat) =>
      inviteUnreached(deps, actor, assembly, async (done, total) => {
        await beat();
        onProgress(done, total);
      }),
  );
  if (!started)
    throw new ConflictError(
      'invitation_sending',
      'The invitation is being sent right now (from the web or another command); see its progress page.',
    );
  return invitationReport(deps, id);
}

/** What the progress page of an assembly's sending names. */
export const invitationRunSubject = (id: string) => `assembly:${id}`;

/**
 * Starts sending the invitation after the HTTP answer, or joins the run that sends it now (a
 * reload, a double click, two board members at once): `runId` of the run, `started` whether
 * this call started it. Refused after the deadline.
 * @throws as {@link sendInvitation}.
 */
export async function startInvitationRun(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'background'>,
  actor: Actor,
  id: string,
): Promise<{ runId: string; started: boolean }> {
  const assembly = await sendableAssembly(deps, id);
  return startMailRun(
    deps,
    {
      subject: invitationRunSubject(id),
      startedBy: `${actor.type}:${actor.id ?? '-'}`,
      name: 'assembly.invitations',
    },
    (beat) => inviteUnreached(deps, actor, assembly, () => beat()),
  );
}

/** How far the sending of an invitation is, for its progress page. */
export interface InvitationProgress {
  report: InvitationReport;
  /** Whether a run is sending now (the page reloads itself until it is not). */
  running: boolean;
  total: number;
  mailed: number;
  letters: number;
  failed: number;
  /** Not reached and not failed: waiting for their turn, or being sent. */
  open: number;
}

/** The counts of the sending of an invitation. @throws NotFoundError `assembly_not_found`. */
export async function invitationProgress(
  deps: AssemblyDeps,
  id: string,
): Promise<InvitationProgress> {
  const report = await invitationReport(deps, id);
  const run = await latestMailRun(deps, invitationRunSubject(id));
  const count = (...statuses: string[]) =>
    report.lines.filter((line) => statuses.includes(line.delivery?.status ?? 'none')).length;
  const total = report.lines.length;
  const mailed = count('sent', 'queued');
  const letters = count('letter');
  const failed = count('failed');
  return {
    report,
    running: mailRunRunning(deps, run),
    total,
    mailed,
    letters,
    failed,
    open: total - mailed - letters - failed,
  };
}

/**
 * Invites every member active today who has no delivery record yet, a failed one, or a claim
 * left behind: by mail where treff has an address, else a record `letter` that lists them for
 * a letter. Each member is claimed in the database before the mail goes ({@link claimDelivery}:
 * a `sending` record, unique per assembly and member) and the outcome recorded at once, so a
 * reload, a second run or a run beside this one never mails anyone twice, and a crash loses no
 * record of a mail that went.
 *
 * A record stuck in `sending` (the process died between the claim and the outcome) counts as
 * not reached: the proof names the member, and once the claim is older than
 * the mail lease (`MAIL_LEASE_MS`, ten minutes) the next send claims it again and mails them. Only a crash in the
 * instant between the mail server's acceptance and the outcome's write can so mail someone
 * twice; an uninvited member would be worse (the assembly's resolutions could be void).
 */
async function inviteUnreached(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  actor: Actor,
  assembly: AssemblyRow,
  beat: (done: number, total: number) => Promise<void>,
): Promise<void> {
  const before = await invitationReport(deps, assembly.id);
  let done = 0;
  for (const { member } of before.unreached) {
    const key = { assembly_id: assembly.id, member_id: member.id };
    const claimed = await claimDelivery(
      deps.db,
      {
        ...key,
        channel: member.email ? 'mail' : 'letter',
        address: member.email,
        at: deps.clock.now().toISOString(),
      },
      leaseCutoff(deps),
    );
    if (claimed && !member.email) {
      await settleDelivery(deps.db, key, {
        status: 'letter',
        error: null,
        at: deps.clock.now().toISOString(),
      });
    } else if (claimed && member.email) {
      const outcome = await deliverMail(deps, {
        to: member.email,
        ref: member.id,
        subject: invitationSubject(deps, assembly),
        text: invitationText(deps, assembly, member),
      });
      await settleDelivery(deps.db, key, {
        status: outcome.status,
        error: outcome.error,
        at: deps.clock.now().toISOString(),
      });
    }
    done += 1;
    await beat(done, before.unreached.length);
  }
  await recordAuditBatch(deps.db, deps.clock.now(), actor, [
    { event: 'assembly.invitation.sent', objectId: assembly.id },
  ]);
}

function invitationSubject(deps: AssemblyDeps, assembly: AssemblyRow): string {
  const params = { club: deps.config.club.name, title: assembly.title };
  return (['de', 'en'] as const)
    .map((lang) => translator(lang, assemblyMessages)('assembly.mail.subject', params))
    .join(' / ');
}

/** The invitation in German, then English, with everything § 32 BGB asks it to state. */
function invitationText(deps: AssemblyDeps, assembly: AssemblyRow, member: Invitee): string {
  return (['de', 'en'] as const)
    .map((lang) => {
      const t = translator(lang, assemblyMessages);
      const parts = [
        t('assembly.mail.greeting', { name: `${member.first_name} ${member.last_name}` }),
        t('assembly.mail.intro', {
          club: deps.config.club.name,
          title: assembly.title,
          date: assembly.starts_at.slice(0, 10),
          time: assembly.starts_at.slice(11, 16),
        }),
        t(`assembly.mode.${assembly.mode}`),
      ];
      if (assembly.place) parts.push(t('assembly.mail.place', { place: assembly.place }));
      if (assembly.online_access)
        parts.push(t('assembly.mail.online', { access: assembly.online_access }));
      if (assembly.virtual_resolution)
        parts.push(t('assembly.mail.resolution', { resolution: assembly.virtual_resolution }));
      parts.push(
        `${t('assembly.agenda')}:\n${assembly.agenda}`,
        t('assembly.mail.closing', { club: deps.config.club.name }),
      );
      return parts.join('\n\n');
    })
    .join('\n\n----\n\n');
}

function minutesPath(deps: Pick<Deps, 'config'>, id: string): string {
  return join(deps.config.paths.dataDir, 'assembly-minutes', id);
}

/**
 * Attaches (or replaces) the minutes file, at most `members.assembly.minutesMaxBytes`, stored
 * 0600 in the data dir. @throws PayloadTooLargeError `minutes_too_large`; ValidationError
 * `minutes_missing`; NotFoundError `assembly_not_found`.
 */
export async function attachMinutes(
  deps: AssemblyDeps,
  actor: Actor,
  id: string,
  file: { name: string; bytes: Uint8Array } | null,
): Promise<void> {
  requireAssemblyDeclared(deps.config);
  await requireAssembly(deps, id);
  if (!file || file.bytes.length === 0)
    throw new ValidationError('minutes_missing', 'Choose the minutes file.', [
      { path: 'minutes', message: 'required' },
    ]);
  const limit = deps.config.members.assembly?.minutesMaxBytes ?? 10 * 1024 * 1024;
  if (file.bytes.length > limit)
    throw new PayloadTooLargeError(
      'minutes_too_large',
      `The minutes file has ${file.bytes.length} bytes; at most ${limit} are accepted.`,
    );
  await ensurePrivateDir(join(deps.config.paths.dataDir, 'assembly-minutes'));
  await writeFileAtomic(minutesPath(deps, id), file.bytes, { mode: PRIVATE_FILE_MODE });
  const name = file.name.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 200) || 'minutes';
  await deps.db.transaction().execute(async (trx) => {
    await setMinutes(trx, id, {
      name,
      size: file.bytes.length,
      at: deps.clock.now().toISOString(),
    });
    await recordAudit(trx, deps.clock.now(), actor, {
      event: 'assembly.minutes.attached',
      objectId: id,
    });
  });
}

/** The minutes file of an assembly. @throws NotFoundError `minutes_not_found`. */
export async function readMinutes(
  deps: AssemblyDeps,
  id: string,
): Promise<{ name: string; bytes: Buffer }> {
  requireAssemblyDeclared(deps.config);
  const assembly = await requireAssembly(deps, id);
  if (!assembly.minutes_name) throw new NotFoundError('minutes_not_found', 'No minutes yet.');
  return { name: assembly.minutes_name, bytes: await readFile(minutesPath(deps, id)) };
}

/** A member's delivery records, for the Art. 15 report. */
export function invitationsOfMember(deps: Pick<Deps, 'db'>, memberId: string) {
  return listDeliveriesOfMember(deps.db, memberId);
}

/**
 * The retention jobs: `what: 'deliveries'` deletes the delivery records of assemblies created
 * before the cutoff, `what: 'minutes'` the assemblies themselves with their minutes file.
 * The cutoff is `keep` before today, counted from the end of the year when `roundUp`.
 * Idempotent.
 */
export async function sweepAssemblies(
  deps: AssemblyDeps,
  actor: Actor,
  options: { what: 'deliveries' | 'minutes'; keep: string; roundUp: boolean; dryRun: boolean },
): Promise<{ removed: number; oldestKept: string | null }> {
  const period = parseDuration(options.keep);
  if (!period) throw new Error(`not a duration: ${options.keep}`);
  let cutoff = subtractDuration(deps.clock.now(), period);
  // With year-end rounding, an assembly of year Y goes once Y's end plus the period is past:
  // so everything created before 1 January of (cutoff's year) is due.
  if (options.roundUp) cutoff = new Date(Date.UTC(cutoff.getUTCFullYear(), 0, 1));
  const due = await assembliesCreatedBefore(deps.db, cutoff.toISOString());
  const ids = due.map((row) => row.id);
  if (options.dryRun) return { removed: ids.length, oldestKept: await oldestDeliveryAt(deps.db) };
  let removed = 0;
  await deps.db.transaction().execute(async (trx) => {
    if (options.what === 'deliveries') removed = await deleteDeliveriesOf(trx, ids);
    else {
      await deleteAssemblies(trx, ids);
      removed = ids.length;
    }
    if (ids.length > 0)
      await recordAuditBatch(
        trx,
        deps.clock.now(),
        actor,
        ids.map((id) => ({ event: `assembly.${options.what}.deleted`, objectId: id })),
      );
  });
  if (options.what === 'minutes')
    for (const id of ids) await rm(minutesPath(deps, id), { force: true });
  return { removed, oldestKept: await oldestDeliveryAt(deps.db) };
}
