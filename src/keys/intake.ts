import { readFile } from 'node:fs/promises';
import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import type { Deps } from '../core/deps.ts';
import { MailRefusedError, PARSE_LIMITS, quarantineMail } from '../core/mail/quarantine.ts';
import { submissionAddress } from './submission-key.ts';
import { rawMailerFor } from './wks.mime.ts';
import { receiveWksMail, type WksDeps, type WksOutcome } from './wks.ts';
import { normaliseAddress } from './zbase32.ts';

/**
 * treff's mail intake: an LMTP (or SMTP) listener on loopback that the MTA delivers the WKS
 * submission address to (Postfix: `transport_maps` entry `key-submission@DOMAIN
 * lmtp:inet:127.0.0.1:8472`). It takes only the submission address, refusing other
 * recipients one by one (RFC 2033 §4.2: with LMTP each recipient gets its own answer), no
 * AUTH, no STARTTLS (loopback only). A mail that is not a usable WKS message is accepted and
 * dropped, never bounced: a bounce would go to a possibly forged sender. A mail the parser
 * refuses (over {@link PARSE_LIMITS}, broken MIME) is accepted into the quarantine
 * (core/mail/quarantine.ts), where admins see it. Only a failure of treff itself (the database,
 * a full disk) answers 451, so the MTA keeps the mail and retries.
 */

/**
 * Largest mail taken at all (SMTP SIZE): above Postfix's default `message_size_limit` (10240000),
 * so whatever Postfix accepts reaches treff, and mail over the parse limit is quarantined, not
 * bounced. A key submission is a few KiB.
 */
export const INTAKE_MAX_BYTES = 10 * 1024 * 1024 + 1024 * 1024;

/** A running intake listener. */
export interface Intake {
  port: number;
  close(): Promise<void>;
}

/** Where to listen and how the mails are handled (injectable for tests). */
export interface IntakeOptions {
  host: string;
  port: number;
  protocol: 'lmtp' | 'smtp';
  /** Defaults to {@link receiveWksMail}. */
  handle?: (raw: Buffer) => Promise<WksOutcome>;
  /** Called after each handled mail (tests, and the WKD cache of this process). */
  onOutcome?: (outcome: WksOutcome) => void;
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
 * Starts the intake listener. Needs `services.wkd.submissionAddress`.
 * @throws Error when WKS is off or the port cannot be bound.
 */
export async function startIntake(
  deps: WksDeps & Pick<Deps, 'log'>,
  options: IntakeOptions,
): Promise<Intake> {
  const accepted = submissionAddress(deps.config);
  if (!accepted) throw new Error('the mail intake needs services.wkd.submissionAddress');
  const handle = options.handle ?? ((raw: Buffer) => receiveWksMail(deps, raw));
  const quarantineDir = deps.config.paths.quarantineDir;
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
      if (normaliseAddress(address.address) === accepted) {
        callback();
        return;
      }
      callback(smtpError(550, '5.1.1 No such mailbox here'));
    },
    onData(stream, _session, callback) {
      const quarantine = async (raw: Buffer, refused: MailRefusedError) => {
        await quarantineMail({ clock: deps.clock, dir: quarantineDir }, raw, {
          reason: refused.reason,
          recipient: accepted,
        });
        deps.log.warn({ event: 'mail.quarantined', reason: refused.reason }, 'mail quarantined');
      };
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, '5.3.4 Message too big'));
            return;
          }
          try {
            if (raw.length > PARSE_LIMITS.maxBytes)
              throw new MailRefusedError('too_big', 'over the parse limit');
            const outcome = await handle(raw);
            options.onOutcome?.(outcome);
          } catch (error) {
            if (!(error instanceof MailRefusedError)) throw error;
            await quarantine(raw, error);
          }
          // One answer for every mail taken, read or quarantined (RFC 2033 §4.2: per recipient).
          callback(null, 'OK');
        })
        .catch((error: unknown) => {
          deps.log.error({ err: error }, 'keys: the mail intake failed on a mail');
          callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (error) => {
    deps.log.error({ err: error }, 'keys: mail intake error');
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
 * Starts the intake the declaration asks for (`mail.intake` together with
 * `services.wkd.submissionAddress`), replying through `mail.smtp` or the outbox; null when it
 * asks for none. For `treff serve`.
 */
export async function startMailIntake(
  deps: Deps,
  onOutcome?: (outcome: WksOutcome) => void,
): Promise<Intake | null> {
  const settings = deps.config.mail.intake;
  if (!settings) return null;
  if (!submissionAddress(deps.config)) {
    deps.log.warn('mail.intake is set but services.wkd.submissionAddress is not: no intake');
    return null;
  }
  const smtp = deps.config.mail.smtp;
  const password = smtp?.passwordFile
    ? (await readFile(smtp.passwordFile, 'utf8')).trim()
    : undefined;
  return startIntake(
    { ...deps, rawMailer: rawMailerFor(deps.config, deps.clock, password) },
    {
      host: settings.host,
      port: settings.port,
      protocol: settings.protocol,
      ...(onOutcome ? { onOutcome } : {}),
    },
  );
}
