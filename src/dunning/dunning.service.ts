import { recordAudit, type Actor } from '../core/audit/index.ts';
import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { formatDate, formatMoney, translator, type Lang } from '../core/i18n/index.ts';
import { plainEntity } from '../core/mail/pgp-mime.ts';
import { encryptText, keysOfMember, readBinaryKey } from '../keys/index.ts';
import { listArrears, type Arrear, type Member } from '../members/index.ts';
import { claimsOf, nextStage, type SentStage, type Stage } from './claims.ts';
import {
  claimSend,
  countInRun,
  findRun,
  finishRun,
  insertRun,
  listActiveSends,
  settleSend,
  type ReminderRun,
} from './dunning.repo.ts';
import { dunningMessages } from './dunning.messages.ts';

export type DunningDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'log' | 'background'>;

/** One reminder the plan would send. `key` names it in the board's approval. */
export interface PlannedReminder {
  key: string;
  member: Member;
  stage: Stage;
  claimDueOn: string;
  arrearsCents: number;
  claims: ReturnType<typeof claimsOf>;
  /** The member's mail address; null: no address, the board writes a letter. */
  to: string | null;
  /** Whether treff has the member's key (fingerprint in the registry, key in the WKD store). */
  encrypted: boolean;
  mail: { subject: string; text: string };
}

/** Who gets which reminder now, and who is in arrears but waits for the next stage. */
export interface ReminderPlan {
  today: string;
  lang: Lang;
  due: PlannedReminder[];
  waiting: { member: Member; stage: Stage; on: string }[];
}

function remindersOf(deps: Pick<Deps, 'config'>) {
  const reminders = deps.config.members.reminders;
  if (!reminders)
    throw new NotFoundError(
      'reminders_not_configured',
      'The declaration names no reminder stages (members.reminders).',
    );
  return reminders;
}

/** Fills `{name}` placeholders; unknown ones stay as written. */
function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The subject and text of a stage's mail to a member, in `lang`. */
export function renderReminder(
  deps: Pick<Deps, 'config'>,
  lang: Lang,
  arrear: Arrear,
  stage: Stage,
): { subject: string; text: string } {
  const t = translator(lang, dunningMessages);
  const { member, unpaid } = arrear;
  const currency = deps.config.members.currency;
  const oldest = unpaid[0]?.dueOn ?? '';
  const claims = claimsOf(unpaid);
  const params = {
    name: `${member.firstName} ${member.lastName}`,
    number: member.memberNumber,
    club: deps.config.club.name,
    amount: formatMoney(arrear.arrearsCents, currency, lang),
    dueDates: claims.map((claim) => formatDate(claim.dueOn, lang)).join(', '),
    oldestDue: formatDate(oldest, lang),
    limitationDate: formatDate(claims[0]?.limitationOn ?? null, lang),
    payTo: fill(remindersOf(deps).payTo[lang], { number: member.memberNumber }),
  };
  const known = ['friendly', 'first', 'second'].includes(stage.id) ? stage.id : 'generic';
  const subject = stage.subject?.[lang] ?? t(`dunning.mail.${known}.subject` as 'dunning.title');
  const text = stage.text?.[lang] ?? t(`dunning.mail.${known}.text` as 'dunning.title');
  return { subject: fill(subject, params), text: fill(text, params) };
}

function sentByMember(sends: Awaited<ReturnType<typeof listActiveSends>>, timeZone: string) {
  const byMember = new Map<string, SentStage[]>();
  for (const send of sends) {
    const list = byMember.get(send.member_id) ?? [];
    list.push({
      stage: send.stage,
      claimDueOn: send.claim_due_on,
      on: localDate(new Date(send.created_at), timeZone),
    });
    byMember.set(send.member_id, list);
  }
  return byMember;
}

/** The published key of the member's registered fingerprint, if treff has it. */
async function memberKey(deps: Pick<Deps, 'db'>, member: Member) {
  const fingerprint = member.openpgpFingerprint?.replace(/\s+/g, '').toUpperCase();
  if (!fingerprint) return undefined;
  const key = (await keysOfMember(deps, member.id)).find(
    (candidate) =>
      candidate.state === 'published' && candidate.fingerprint.toUpperCase() === fingerprint,
  );
  return key?.key;
}

/**
 * Who gets which reminder today: every member in arrears whose next stage is due
 * ({@link nextStage}), with the rendered mail, and those still waiting. Writes nothing.
 * @throws NotFoundError `reminders_not_configured`.
 */
export async function planReminders(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
): Promise<ReminderPlan> {
  const { stages } = remindersOf(deps);
  const today = localDate(deps.clock.now(), deps.config.club.timeZone);
  const lang = deps.config.club.defaultLanguage;
  const [arrears, sends] = await Promise.all([listArrears(deps), listActiveSends(deps.db)]);
  const sent = sentByMember(sends, deps.config.club.timeZone);
  const plan: ReminderPlan = { today, lang, due: [], waiting: [] };
  for (const arrear of arrears) {
    const oldest = arrear.unpaid[0];
    if (!oldest) continue;
    const decision = nextStage(stages, oldest.dueOn, sent.get(arrear.member.id) ?? [], today);
    if (decision.kind === 'waiting')
      plan.waiting.push({ member: arrear.member, stage: decision.next, on: decision.on });
    if (decision.kind !== 'due') continue;
    plan.due.push({
      key: `${arrear.member.id}:${decision.stage.id}:${oldest.dueOn}`,
      member: arrear.member,
      stage: decision.stage,
      claimDueOn: oldest.dueOn,
      arrearsCents: arrear.arrearsCents,
      claims: claimsOf(arrear.unpaid),
      to: arrear.member.email,
      encrypted:
        arrear.member.email !== null && (await memberKey(deps, arrear.member)) !== undefined,
      mail: renderReminder(deps, lang, arrear, decision.stage),
    });
  }
  return plan;
}

/** Told after each reminder of a run. */
export type RunProgress = (run: ReminderRun) => void;

/**
 * The board's approval of a previewed list (`keys` of {@link PlannedReminder}s) under an
 * idempotency key: the first call records the run and starts sending in the background; a
 * repeated call with the same key (a reload, a double click) starts nothing and returns the
 * same run. Only approved reminders that are still due when their turn comes are sent.
 */
export async function approveReminders(
  deps: DunningDeps,
  actor: Actor,
  runKey: string,
  keys: readonly string[],
): Promise<{ runId: string; started: boolean }> {
  const started = await recordApproval(deps, actor, runKey, keys);
  if (started) {
    deps.background.run('dunning.reminders', async () => {
      await sendRun(deps, actor, runKey, keys);
    });
  }
  return { runId: runKey, started };
}

/**
 * Records the board's approval as a run under its idempotency key, with its audit entry; false
 * when that key was approved before. The CLI sends in the foreground after this.
 * @throws NotFoundError `reminders_not_configured`; ValidationError `run_key_invalid`.
 */
export async function recordApproval(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  runKey: string,
  keys: readonly string[],
): Promise<boolean> {
  remindersOf(deps);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(runKey))
    throw new ValidationError('run_key_invalid', 'The approval is not valid; reload the preview.');
  const started = await insertRun(deps.db, {
    id: runKey,
    total: keys.length,
    approved_by: `${actor.type}:${actor.id ?? '-'}`,
    approved_at: deps.clock.now().toISOString(),
  });
  if (started)
    await recordAudit(deps.db, deps.clock.now(), actor, {
      event: 'dunning.run.approved',
      objectId: runKey,
    });
  return started;
}

/**
 * Sends the approved reminders of a run, one after the other: each is claimed first (the
 * unique key member + stage + claim makes a second claim fail, so no stage is sent twice), then
 * mailed, encrypted to the member's key when treff has it. A member who paid since the preview
 * is skipped. Counts go to the run row after every reminder (the progress line reads them).
 */
export async function sendRun(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'log'>,
  actor: Actor,
  runId: string,
  keys: readonly string[],
  onProgress?: RunProgress,
): Promise<ReminderRun> {
  const plan = await planReminders(deps);
  const due = new Map(plan.due.map((item) => [item.key, item]));
  for (const key of keys) {
    const item = due.get(key);
    const outcome = item ? await sendOne(deps, actor, runId, item) : 'skipped';
    await countInRun(deps.db, runId, outcome);
    const run = await findRun(deps.db, runId);
    if (run && onProgress) onProgress(run);
  }
  await finishRun(deps.db, runId, deps.clock.now().toISOString());
  const run = await findRun(deps.db, runId);
  if (!run) throw new NotFoundError('run_not_found', 'No such reminder run.');
  return run;
}

async function sendOne(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'log'>,
  actor: Actor,
  runId: string,
  item: PlannedReminder,
): Promise<'sent' | 'skipped' | 'failed'> {
  if (!item.to) return 'skipped';
  const id = newId();
  const at = deps.clock.now();
  const claimed = await claimSend(deps.db, {
    id,
    member_id: item.member.id,
    stage: item.stage.id,
    claim_due_on: item.claimDueOn,
    amount_cents: item.arrearsCents,
    run_id: runId,
    created_at: at.toISOString(),
  });
  if (!claimed) return 'skipped';
  const key = await memberKey(deps, item.member);
  try {
    await deps.mailer.send({
      to: item.to,
      subject: item.mail.subject,
      text: item.mail.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
      ref: item.member.id,
      ...(key
        ? {
            encrypted: await encryptText(plainEntity(item.mail.text), await readBinaryKey(key), at),
          }
        : {}),
    });
  } catch (error) {
    deps.log.error({ err: error, event: 'dunning.reminder.failed' }, 'reminder not sent');
    await settleSend(deps.db, id, { status: 'failed', at: at.toISOString(), encrypted: false });
    return 'failed';
  }
  await settleSend(deps.db, id, { status: 'sent', at: at.toISOString(), encrypted: !!key });
  await recordAudit(deps.db, at, actor, {
    event: 'dunning.reminder.sent',
    memberId: item.member.id,
    objectId: id,
  });
  return 'sent';
}

/** A run with its counts. @throws NotFoundError `run_not_found`. */
export async function getRun(deps: Pick<Deps, 'db'>, runId: string): Promise<ReminderRun> {
  const run = await findRun(deps.db, runId);
  if (!run) throw new NotFoundError('run_not_found', 'No such reminder run.');
  return run;
}
