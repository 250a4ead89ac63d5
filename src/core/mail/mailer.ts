import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Clock } from '../clock.ts';
import { NotFoundError } from '../errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../fs.ts';

/** A plain-text mail treff sends (login links, notices). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Extra header fields, e.g. `Auto-Submitted: auto-replied` (RFC 3834) on automatic answers. */
  headers?: Record<string, string>;
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
      await (
        await transport
      ).sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.headers ? { headers: mail.headers } : {}),
      });
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
      ).sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.headers ? { headers: mail.headers } : {}),
        date,
      })) as { message: Buffer };
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
