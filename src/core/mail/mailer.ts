import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Clock } from '../clock.ts';
import { NotFoundError } from '../errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../fs.ts';
import { composeEncryptedMail } from './pgp-mime.ts';

/** A plain-text mail treff sends (login links, notices). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Extra header fields, e.g. `Auto-Submitted: auto-replied` (RFC 3834) on automatic answers. */
  headers?: Record<string, string>;
  /** An id to name the mail by in logs and errors instead of its address (a member id). */
  ref?: string;
  /**
   * The armored OpenPGP message of an encrypted mail: it goes as OpenPGP/MIME (RFC 3156 §4,
   * {@link composeEncryptedMail}) and `text` is not sent.
   */
  encrypted?: string;
}

/**
 * A mail the SMTP server refused or could not take. It carries what an admin needs to find the
 * cause (the SMTP command, reply code and enhanced status code, the Message-ID and the caller's
 * ref) and never the address or the server's reply text, which usually repeats the address:
 * this error ends up in the log.
 */
export class MailDeliveryError extends Error {
  readonly code: 'mail_refused' | 'mail_failed';
  readonly command: string | null;
  readonly responseCode: number | null;
  readonly status: string | null;
  readonly messageId: string | null;
  readonly ref: string | null;

  constructor(fields: {
    code: MailDeliveryError['code'];
    command: string | null;
    responseCode: number | null;
    status: string | null;
    messageId: string | null;
    ref: string | null;
  }) {
    const reply = [fields.responseCode, fields.status].filter((part) => part !== null).join(' ');
    super(
      fields.code === 'mail_refused'
        ? `The mail server refused the mail${fields.command ? ` at ${fields.command}` : ''}${reply ? `: ${reply}` : ''}.`
        : 'The mail could not be handed to the mail server.',
    );
    this.name = 'MailDeliveryError';
    this.code = fields.code;
    this.command = fields.command;
    this.responseCode = fields.responseCode;
    this.status = fields.status;
    this.messageId = fields.messageId;
    this.ref = fields.ref;
  }
}

/**
 * Turns what nodemailer threw into a {@link MailDeliveryError}: its message, `response`,
 * `rejected` and `rejectedErrors` name the recipient, so none of them is kept, not even as the
 * cause. Only the connection-level code (`ECONNREFUSED`, `ETIMEDOUT`) survives in the message.
 */
export function mailDeliveryError(
  error: unknown,
  ids: { messageId?: string | undefined; ref?: string | undefined } = {},
): MailDeliveryError {
  const raw = (typeof error === 'object' && error !== null ? error : {}) as {
    command?: unknown;
    responseCode?: unknown;
    response?: unknown;
  };
  const responseCode = typeof raw.responseCode === 'number' ? raw.responseCode : null;
  const status =
    typeof raw.response === 'string'
      ? (/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(raw.response)?.[1] ?? null)
      : null;
  return new MailDeliveryError({
    code: responseCode === null ? 'mail_failed' : 'mail_refused',
    command:
      typeof raw.command === 'string' && /^[A-Z ]{2,12}$/.test(raw.command) ? raw.command : null,
    responseCode,
    status,
    messageId: ids.messageId ?? null,
    ref: ids.ref ?? null,
  });
}

/** Sends mail. Implementations: SMTP, or the outbox directory when no SMTP server is set. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

// nodemailer and mailparser are loaded on first use: together they add tens of megabytes to
// the resident memory of a server that may never send or read a mail.
async function createTransport(
  options: Parameters<typeof import('nodemailer').createTransport>[0],
): Promise<Transporter> {
  const nodemailer = await import('nodemailer');
  return nodemailer.createTransport(options);
}

/**
 * nodemailer's options for a mail: its own composition for plain text, or the finished
 * OpenPGP/MIME message with its envelope for an encrypted one.
 */
async function messageOptions(
  from: string,
  mail: OutgoingMail,
  at: { date: Date; messageId?: string; setDate?: boolean },
): Promise<Parameters<Transporter['sendMail']>[0]> {
  if (mail.encrypted) {
    return {
      envelope: { from, to: [mail.to] },
      raw: await composeEncryptedMail({
        from,
        to: mail.to,
        subject: mail.subject,
        date: at.date,
        messageId: at.messageId,
        headers: mail.headers,
        armored: mail.encrypted,
      }),
    };
  }
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(at.messageId ? { messageId: at.messageId } : {}),
    ...(mail.headers ? { headers: mail.headers } : {}),
    ...(at.setDate ? { date: at.date } : {}),
  };
}

/** Sends through an SMTP server (nodemailer). */
export function smtpMailer(options: {
  from: string;
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
}): Mailer {
  let transport: Promise<Transporter> | undefined;
  return {
    async send(mail) {
      transport ??= createTransport({
        host: options.host,
        port: options.port,
        secure: options.secure,
        ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
      });
      // Our own Message-ID, so a refusal can be named without the address.
      const messageId = `<${randomBytes(12).toString('hex')}@${options.from.split('@')[1] ?? 'treff'}>`;
      try {
        await (
          await transport
        ).sendMail(await messageOptions(options.from, mail, { date: new Date(), messageId }));
      } catch (error) {
        throw mailDeliveryError(error, { messageId, ref: mail.ref });
      }
    },
  };
}

/**
 * Writes each mail as an RFC 5322 `.eml` file into `dir` (atomically, mode 0600), where an
 * admin reads it in the web UI. For installations without a mail server and for the demo.
 */
export function outboxMailer(options: { from: string; dir: string; clock: Clock }): Mailer {
  let transport: Promise<Transporter> | undefined;
  return {
    async send(mail) {
      transport ??= createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const date = options.clock.now();
      const info = (await (
        await transport
      ).sendMail(await messageOptions(options.from, mail, { date, setDate: true }))) as {
        message: Buffer;
      };
      const stamp = date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
      await ensurePrivateDir(options.dir);
      await writeFileAtomic(join(options.dir, name), info.message, { mode: PRIVATE_FILE_MODE });
    },
  };
}

/** One mail in the outbox, as listed. */
export interface OutboxEntry {
  id: string;
  date: string;
  to: string;
  subject: string;
}

const OUTBOX_ID = /^[0-9TZ]+-[0-9a-f]{8}\.eml$/;

/** Lists the outbox, newest first. An absent outbox is empty. */
export async function listOutbox(dir: string): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries = await Promise.all(
    names
      .filter((name) => OUTBOX_ID.test(name))
      .map(async (name) => {
        const mail = await readOutboxMail(dir, name);
        return { id: name, date: mail.date, to: mail.to, subject: mail.subject };
      }),
  );
  return entries.sort((a, b) => b.id.localeCompare(a.id));
}

/** One outbox mail, decoded. @throws NotFoundError for an unknown or malformed id. */
export async function readOutboxMail(
  dir: string,
  id: string,
): Promise<OutboxEntry & { text: string }> {
  if (!OUTBOX_ID.test(id)) throw new NotFoundError('mail_not_found', 'No such mail in the outbox.');
  const path = join(dir, id);
  let source: Buffer;
  try {
    await stat(path);
    source = await readFile(path);
  } catch {
    throw new NotFoundError('mail_not_found', 'No such mail in the outbox.');
  }
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(source);
  const to = Array.isArray(parsed.to)
    ? parsed.to.map((a) => a.text).join(', ')
    : (parsed.to?.text ?? '');
  return {
    id,
    date: (parsed.date ?? new Date(0)).toISOString(),
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
  };
}

/** What a masked token reads as. */
export const MASK = '••••••';

/**
 * `text` with the secret part of every web link masked: in the path and query of each
 * `http(s)://` link, every run of 16 or more token characters (`A-Z a-z 0-9 _ -`, as in
 * base64url login and password-link tokens) becomes {@link MASK}. Host names and short path
 * words stay readable, so an admin still sees which page a mail points to, but cannot open a
 * member's one-time link and act as that member.
 */
export function maskLinkTokens(text: string): string {
  return text.replace(
    /(https?:\/\/[^\s/?#<>"]+)([^\s<>"]*)/g,
    (_link, origin: string, rest: string) =>
      `${origin}${rest.replace(/[A-Za-z0-9_-]{16,}/g, MASK)}`,
  );
}
