import type { Deps } from '../core/deps.ts';
import { localDate } from '../core/clock.ts';
import { withJobLock } from '../core/db/dialect.ts';
import { formatDate, translator } from '../core/i18n/index.ts';
import { startScheduler } from '../core/jobs.ts';
import { daysBetween } from './deadline.ts';
import { insertReminder, listRequestRows } from './requests.repo.ts';
import { requestsMessages } from './requests.messages.ts';
import { OPEN_STATES } from './requests.service.ts';

/** The board is reminded this many days before a request is due, once each. */
export const REMINDER_DAYS = [14, 7, 3] as const;

/**
 * Mails the board (`club.contacts.board`) about every open request due in 14, 7 or 3 days or
 * fewer, each reminder once per request: the one for the nearest step reached (a request
 * recorded 5 days before its due date gets the 7-day reminder at once, then the 3-day one).
 * A reminder is recorded before its mail goes, so two instances never both send it. Returns
 * how many reminders went out.
 */
export async function sendDueReminders(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'log'>,
): Promise<number> {
  const at = deps.clock.now();
  const today = localDate(at, deps.config.club.timeZone);
  const t = translator(deps.config.club.defaultLanguage, requestsMessages);
  let sent = 0;
  for (const request of await listRequestRows(deps.db, OPEN_STATES)) {
    const left = daysBetween(today, request.dueOn);
    const step = [...REMINDER_DAYS].reverse().find((days) => left <= days);
    if (step === undefined) continue;
    if (!(await insertReminder(deps.db, request.id, step, at.toISOString()))) continue;
    // Steps skipped over (recorded late, server down) are marked too: one mail per step reached.
    for (const days of REMINDER_DAYS) {
      if (days > step) await insertReminder(deps.db, request.id, days, at.toISOString());
    }
    try {
      await deps.mailer.send({
        to: deps.config.club.contacts.board,
        subject: t('requests.mail.reminder.subject', { id: request.id, days: left }),
        text: t('requests.mail.reminder.body', {
          id: request.id,
          kind: t(`requests.kind.${request.kind}`),
          due: formatDate(request.dueOn, deps.config.club.defaultLanguage),
          days: left,
          state: t(`requests.state.${request.state}`),
          link: `${deps.config.publicUrl}/admin/requests/${request.id}`,
        }),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      sent++;
    } catch (error) {
      deps.log.error({ err: error, event: 'requests.reminder.failed' }, 'reminder not sent');
    }
  }
  return sent;
}

/** Runs {@link sendDueReminders} hourly inside `treff serve` (one instance at a time). */
export function startReminderScheduler(deps: Deps): () => void {
  return startScheduler(
    [
      {
        name: 'requests.reminders',
        intervalMs: 3_600_000,
        run: async () => {
          await withJobLock(deps.db, deps.dialect, 'requests.reminders', async () => {
            await sendDueReminders(deps);
          });
        },
      },
    ],
    { log: deps.log },
  );
}
