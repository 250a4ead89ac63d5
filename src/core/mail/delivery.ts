import type { Config } from '../config/load.ts';
import { MailDeliveryError, type Mailer, type OutgoingMail } from './mailer.ts';

/**
 * What became of one mail, as a delivery record keeps it: `sent` when the SMTP server took it,
 * `queued` when it went into the outbox (no SMTP server set: an admin passes it on), `failed`
 * with the error's code and reply code (never the address or the server's text).
 */
export interface DeliveryOutcome {
  status: 'sent' | 'queued' | 'failed';
  error: string | null;
}

/**
 * Sends one mail and says what became of it; never throws for a refused or failed delivery,
 * so a run over many members records every outcome. Other errors (a bug) propagate.
 */
export async function deliverMail(
  deps: { mailer: Mailer; config: Pick<Config, 'mail'> },
  mail: OutgoingMail,
): Promise<DeliveryOutcome> {
  try {
    await deps.mailer.send(mail);
    return { status: deps.config.mail.smtp ? 'sent' : 'queued', error: null };
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    const reply = [error.responseCode, error.status].filter((part) => part !== null).join(' ');
    return { status: 'failed', error: reply ? `${error.code} ${reply}` : error.code };
  }
}
