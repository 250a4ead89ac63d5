import { takeMailQuota } from '../core/mail/mail-counts.repo.ts';
import type { Deps } from '../core/deps.ts';
import type { OutgoingMail } from '../core/mail/mailer.ts';

/**
 * At most this many answers go to one address per hour (Odoo's default loop guard), so a
 * forged From or a mail loop cannot make treff a mail cannon. Counted in `mail_counts` (per
 * UTC hour in the kind), so the limit holds across restarts and for the CLI and the server
 * alike.
 */
export const ANSWERS_PER_HOUR = 5;

/** The header every answer carries (RFC 3834 §5): it is an automatic reply. */
export const AUTO_REPLIED = { 'Auto-Submitted': 'auto-replied' } as const;

/**
 * Sends an answer of the ledger to `to`, marked `Auto-Submitted: auto-replied`, unless the
 * address has had {@link ANSWERS_PER_HOUR} answers this hour. Never throws: a mail that cannot
 * go out is logged, the ledger stays as it is. Returns whether the mail was sent.
 */
export async function sendAnswer(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer' | 'log' | 'secret'>,
  mail: OutgoingMail,
): Promise<boolean> {
  const at = deps.clock.now();
  try {
    const allowed = await takeMailQuota(deps.db, deps.secret, {
      kind: `requests.answer.h${at.toISOString().slice(11, 13)}`,
      address: mail.to.trim().toLowerCase(),
      limit: ANSWERS_PER_HOUR,
      at,
    });
    if (!allowed) {
      deps.log.warn({ event: 'requests.answer.throttled' }, 'request answer throttled');
      return false;
    }
    await deps.mailer.send({ ...mail, headers: { ...mail.headers, ...AUTO_REPLIED } });
    return true;
  } catch (error) {
    deps.log.error({ err: error, event: 'requests.answer.failed' }, 'request answer not sent');
    return false;
  }
}
