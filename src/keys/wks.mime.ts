import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config/load.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { mailDeliveryError } from '../core/mail/mailer.ts';

/**
 * Mail for the Web Key Service. The WKS messages are MIME structures that must arrive byte for
 * byte as signed (RFC 3156 §5), so they are built here by hand with CRLF line ends and only
 * 7-bit content, and sent as they are; treff's text mailer cannot carry them.
 */

const CRLF = '\r\n';

/** Sends a finished RFC 5322 message. */
export interface RawMailer {
  send(envelope: { from: string; to: string }, message: Buffer): Promise<void>;
}

/**
 * The raw mailer of a declaration: through `mail.smtp` when set, else into the outbox
 * directory in the same form and naming as treff's outbox mailer (`STAMP-HEX.eml`, mode 0600),
 * so admins see WKS mail at /admin/outbox too.
 */
export function rawMailerFor(config: Config, clock: Clock, password?: string): RawMailer {
  const smtp = config.mail.smtp;
  if (!smtp) {
    return {
      async send(_envelope, message) {
        const stamp = clock
          .now()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
        const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
        await ensurePrivateDir(config.paths.outboxDir);
        await writeFileAtomic(join(config.paths.outboxDir, name), message, {
          mode: PRIVATE_FILE_MODE,
        });
      },
    };
  }
  let transport: Promise<Transporter> | undefined;
  return {
    async send(envelope, message) {
      transport ??= import('nodemailer').then((nodemailer) =>
        nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ...(smtp.user ? { auth: { user: smtp.user, pass: password ?? '' } } : {}),
        }),
      );
      // A refusal's error must not carry the address into the log (core/mail).
      await (
        await transport
      )
        .sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw: message })
        .catch((error: unknown) => {
          throw mailDeliveryError(error);
        });
    },
  };
}

/** A boundary that cannot occur in base64 or armored text (`=-=` as GnuPG's mime-maker). */
export function newBoundary(): string {
  return `=-=${randomBytes(12).toString('hex')}=-=`;
}

/** RFC 5322 date-time in UTC (`Fri, 27 Nov 2026 00:32:50 +0000`). */
export function mailDate(at: Date): string {
  return at.toUTCString().replace('GMT', '+0000');
}

/** Header lines with CRLF. Values are ASCII without line breaks (checked). */
export function headerLines(headers: readonly (readonly [string, string])[]): string {
  return headers
    .map(([name, value]) => {
      if (/[\r\n]/.test(value) || /[^\x20-\x7e\t]/.test(value))
        throw new Error(`header ${name} is not printable ASCII on one line`);
      return `${name}: ${value}${CRLF}`;
    })
    .join('');
}

/** Text as base64 lines of 76 characters (RFC 2045 §6.8), so no MTA re-encodes it. */
export function base64Body(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  return (encoded.match(/.{1,76}/g) ?? []).join(CRLF);
}

/** Turns any line ends into CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, CRLF);
}

/** A MIME entity: headers, an empty line, the body. */
export function entity(headers: readonly (readonly [string, string])[], body: string): string {
  return `${headerLines(headers)}${CRLF}${crlf(body)}`;
}

/**
 * A multipart body: each part after a delimiter line, then the closing delimiter. The CRLF
 * before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), which is what a signature
 * over a part has to leave out.
 */
export function multipartBody(boundary: string, parts: readonly string[]): string {
  return `${parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join('')}--${boundary}--${CRLF}`;
}
