import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { MailRefusedError, PARSE_LIMITS, quarantineMail } from './quarantine.ts';

/**
 * treff's one mail intake: an LMTP (or SMTP) listener on loopback that the MTA delivers treff's
 * own addresses to (Postfix: one `transport_maps` entry per address, `lmtp:inet:127.0.0.1:PORT`).
 * It dispatches by envelope recipient to the handlers the modules register (the WKS submission
 * address to keys, the member-accounts address to requests), so core knows no module. Other
 * recipients are refused one by one (RFC 2033 §4.2: with LMTP each recipient gets its own
 * answer); no AUTH, no STARTTLS (loopback only). A mail a handler cannot read (it throws
 * {@link MailRefusedError}, or the mail is over {@link PARSE_LIMITS}) is accepted into the
 * quarantine, where admins see it: never bounced, since a bounce would go to a possibly forged
 * sender. Only a failure of treff itself (the database, a full disk) answers 451, so the MTA keeps
 * the mail and retries. Every handler must have stored what it needs durably before it resolves:
 * the 250 follows it.
 */

/**
 * Largest mail taken at all (SMTP SIZE): above Postfix's default `message_size_limit` (10240000),
 * so whatever Postfix accepts reaches treff, and mail over the parse limit is quarantined, not
 * bounced.
 */
export const INTAKE_MAX_BYTES = 10 * 1024 * 1024 + 1024 * 1024;

/** The SMTP envelope of one delivered mail, for one recipient. */
export interface MailEnvelope {
  /** The envelope sender; null for the null sender `MAIL FROM:<>` (bounces, auto-replies). */
  mailFrom: string | null;
  /** The recipient address as routed (lower case). */
  recipient: string;
}

/**
 * Handles one mail for one route. Resolves once the mail is stored durably or deliberately
 * dropped; throws {@link MailRefusedError} to quarantine it, anything else for a 451.
 */
export type MailHandler = (raw: Buffer, envelope: MailEnvelope) => Promise<void>;

/** One address treff takes mail for, and who handles it. */
export interface MailRoute {
  address: string;
  handle: MailHandler;
}

/** A running intake listener. */
export interface Intake {
  port: number;
  close(): Promise<void>;
}

/** Where to listen and which addresses go where. */
export interface MailListenerOptions {
  host: string;
  port: number;
  protocol: 'lmtp' | 'smtp';
  routes: readonly MailRoute[];
}

/** What the listener needs. */
export interface MailListenerDeps {
  clock: Clock;
  log: Logger;
  config: { paths: { quarantineDir: string } };
}

/** Addresses compare case-insensitively (ASCII; treff's own addresses are ASCII). */
export function routeKey(address: string): string {
  return address.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    stream.once('error', reject);
  });
}

/**
 * Starts the listener with its routes.
 * @throws Error when no route is given, two routes share an address, or the port cannot be bound.
 */
export async function startMailListener(
  deps: MailListenerDeps,
  options: MailListenerOptions,
): Promise<Intake> {
  const routes = new Map<string, MailRoute>();
  for (const route of options.routes) {
    const key = routeKey(route.address);
    if (routes.has(key)) throw new Error(`two mail intake handlers for ${key}`);
    routes.set(key, route);
  }
  if (routes.size === 0) throw new Error('the mail intake needs at least one address');
  const quarantineDir = deps.config.paths.quarantineDir;

  /** One mail for one recipient: handled, quarantined, or an error for a 451. */
  const deliver = async (raw: Buffer, envelope: MailEnvelope): Promise<void> => {
    const route = routes.get(envelope.recipient);
    if (!route) throw new Error(`no route for ${envelope.recipient}`);
    try {
      if (raw.length > PARSE_LIMITS.maxBytes)
        throw new MailRefusedError('too_big', 'over the parse limit');
      await route.handle(raw, envelope);
    } catch (error) {
      if (!(error instanceof MailRefusedError)) throw error;
      await quarantineMail({ clock: deps.clock, dir: quarantineDir }, raw, {
        reason: error.reason,
        recipient: envelope.recipient,
      });
      deps.log.warn(
        { event: 'mail.quarantined', reason: error.reason, recipient: envelope.recipient },
        'mail quarantined',
      );
    }
  };

  const { SMTPServer: Server } = await import('smtp-server');
  const server: SMTPServer = new Server({
    lmtp: options.protocol === 'lmtp',
    name: 'treff-intake',
    banner: 'treff mail intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: INTAKE_MAX_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (routes.has(routeKey(address.address))) {
        callback();
        return;
      }
      callback(smtpError(550, '5.1.1 No such mailbox here'));
    },
    onData(stream, session, callback) {
      const from = session.envelope.mailFrom;
      const mailFrom = from && from.address !== '' ? from.address : null;
      const recipients = session.envelope.rcptTo.map((rcpt) => routeKey(rcpt.address));
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, '5.3.4 Message too big'));
            return;
          }
          // Each route once per mail (a recipient named twice is one delivery), in order; each
          // recipient gets the answer of its route (RFC 2033 §4.2).
          const answerOf = new Map<string, Error | null>();
          for (const recipient of new Set(recipients)) {
            try {
              await deliver(raw, { mailFrom, recipient });
              answerOf.set(recipient, null);
            } catch (error) {
              deps.log.error({ err: error, recipient }, 'the mail intake failed on a mail');
              answerOf.set(
                recipient,
                smtpError(451, '4.3.0 Temporary failure, please try again later'),
              );
            }
          }
          const answers = recipients.map((recipient) => answerOf.get(recipient) ?? null);
          if (options.protocol === 'lmtp')
            callback(
              null,
              answers.map((a) => a ?? 'OK'),
            );
          else {
            // SMTP has one answer: a failure for any recipient asks the MTA to retry the mail.
            const failed = answers.find((answer) => answer !== null);
            callback(failed ?? null, 'OK');
          }
        })
        .catch((error: unknown) => {
          deps.log.error({ err: error }, 'the mail intake failed on a mail');
          callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (error) => {
    deps.log.error({ err: error }, 'mail intake error');
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Starts the intake the declaration asks for (`mail.intake`) with the routes the modules give;
 * null when it asks for none or no route is given. For `treff serve`.
 */
export async function startDeclaredIntake(
  deps: MailListenerDeps & { config: { mail: { intake?: MailIntakeSettings | undefined } } },
  routes: readonly MailRoute[],
): Promise<Intake | null> {
  const settings = deps.config.mail.intake;
  if (!settings || routes.length === 0) return null;
  return startMailListener(deps, {
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
    routes,
  });
}

/** The declaration's `mail.intake`. */
export interface MailIntakeSettings {
  host: string;
  port: number;
  protocol: 'lmtp' | 'smtp';
}
