import { randomBytes } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { ensurePrivateDir, writeFileAtomic } from '../fs.ts';

/**
 * The mail quarantine: inbound mail that treff's parser refuses (too big, too many or too deeply
 * nested MIME parts, an oversized header, broken MIME) is kept whole in `<dataDir>/quarantine`
 * instead of being answered with a temporary failure (which the MTA retries until it bounces) or
 * dropped. Each mail is `STAMP-HEX.eml` with a `STAMP-HEX.json` sidecar that gives the reason;
 * both are written atomically with mode 0600, the directory is 0700. Admins see the list; the
 * declaration's retention rule deletes the files. Not tied to a recipient: every handler behind
 * the intake listener throws {@link MailRefusedError} for mail it cannot read.
 */

/** Why a mail went into quarantine (stable codes, shown to admins translated). */
export type QuarantineReason = 'too_big' | 'too_many_parts' | 'header_too_big' | 'broken_mime';

/** Thrown by a mail handler for a mail it refuses to read; the intake quarantines the mail. */
export class MailRefusedError extends Error {
  readonly reason: QuarantineReason;
  constructor(reason: QuarantineReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailRefusedError';
    this.reason = reason;
  }
}

/** Parser limits for inbound mail: far above any real key submission or request. */
export const PARSE_LIMITS = {
  /** Largest mail parsed at all. */
  maxBytes: 1024 * 1024,
  /** MIME parts in one mail, nested ones included (so it bounds the depth too). */
  maxParts: 64,
  /** Header bytes of one MIME part. */
  maxHeaderBytes: 64 * 1024,
} as const;

/** The most the quarantine holds; beyond it the intake answers a temporary failure. */
export const QUARANTINE_MAX_BYTES = 256 * 1024 * 1024;

type ParsedMail = Awaited<ReturnType<typeof import('mailparser').simpleParser>>;

/**
 * Parses an inbound mail with {@link PARSE_LIMITS} (mailparser, no HTML to text, no links).
 * @throws MailRefusedError when the mail breaks a limit or is not MIME the parser can read.
 */
export async function parseInboundMail(raw: Buffer | string): Promise<ParsedMail> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > PARSE_LIMITS.maxBytes)
    throw new MailRefusedError('too_big', `mail of ${size} bytes is over the parse limit`);
  const { simpleParser } = await import('mailparser');
  // maxChildNodes and maxHeadSize go through to mailsplit; the typings do not list them.
  const options = {
    skipHtmlToText: true,
    skipTextLinks: true,
    skipImageLinks: true,
    maxChildNodes: PARSE_LIMITS.maxParts,
    maxHeadSize: PARSE_LIMITS.maxHeaderBytes,
  };
  try {
    return await simpleParser(raw, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { code?: unknown }).code === 'EMAXLEN') {
      const reason = /child nodes/i.test(message) ? 'too_many_parts' : 'header_too_big';
      throw new MailRefusedError(reason, message, { cause: error });
    }
    throw new MailRefusedError('broken_mime', message, { cause: error });
  }
}

/** The sidecar of a quarantined mail: facts about it, no contents and no sender. */
export interface QuarantineEntry {
  id: string;
  receivedAt: string;
  reason: QuarantineReason | 'unknown';
  bytes: number;
  /** The envelope recipient (one of treff's own addresses). */
  recipient: string;
}

const ENTRY_ID = /^[0-9TZ]+-[0-9a-f]{8}$/;

async function directoryBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let total = 0;
  for (const name of names) total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/**
 * Keeps `raw` in the quarantine: the mail first, then its sidecar, each written atomically and
 * fsynced (mode 0600, directory 0700). Returns the entry.
 * @throws Error `quarantine_full` when the quarantine holds {@link QUARANTINE_MAX_BYTES}, or
 *   a file system error: both are failures of treff, answered with a temporary failure.
 */
export async function quarantineMail(
  deps: { clock: Clock; dir: string },
  raw: Buffer,
  facts: { reason: QuarantineReason; recipient: string },
): Promise<QuarantineEntry> {
  await ensurePrivateDir(deps.dir);
  if ((await directoryBytes(deps.dir)) + raw.length > QUARANTINE_MAX_BYTES)
    throw Object.assign(new Error('the mail quarantine is full'), { code: 'quarantine_full' });
  const at = deps.clock.now();
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const id = `${stamp}-${randomBytes(4).toString('hex')}`;
  const entry: QuarantineEntry = {
    id,
    receivedAt: at.toISOString(),
    reason: facts.reason,
    bytes: raw.length,
    recipient: facts.recipient,
  };
  await writeFileAtomic(join(deps.dir, `${id}.eml`), raw, { mode: 0o600 });
  await writeFileAtomic(join(deps.dir, `${id}.json`), `${JSON.stringify(entry)}\n`, {
    mode: 0o600,
  });
  return entry;
}

/**
 * The quarantined mails, newest first. A mail whose sidecar is missing or unreadable (a crash
 * between the two writes) is listed with reason `unknown`. An absent quarantine is empty.
 */
export async function listQuarantine(dir: string): Promise<QuarantineEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ids = names
    .filter((name) => name.endsWith('.eml') && ENTRY_ID.test(name.slice(0, -4)))
    .map((name) => name.slice(0, -4));
  const entries = await Promise.all(
    ids.map(async (id): Promise<QuarantineEntry> => {
      const bytes = (await stat(join(dir, `${id}.eml`)).catch(() => ({ size: 0 }))).size;
      try {
        const side = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Partial<
          Record<keyof QuarantineEntry, unknown>
        >;
        return {
          id,
          receivedAt: typeof side.receivedAt === 'string' ? side.receivedAt : '',
          reason: isReason(side.reason) ? side.reason : 'unknown',
          bytes,
          recipient: typeof side.recipient === 'string' ? side.recipient : '',
        };
      } catch {
        return { id, receivedAt: '', reason: 'unknown', bytes, recipient: '' };
      }
    }),
  );
  return entries.sort((a, b) => b.id.localeCompare(a.id));
}

function isReason(value: unknown): value is QuarantineReason {
  return (
    value === 'too_big' ||
    value === 'too_many_parts' ||
    value === 'header_too_big' ||
    value === 'broken_mime'
  );
}
