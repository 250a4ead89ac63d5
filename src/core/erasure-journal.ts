import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * The erasure journal (issue 11 §4; notes/round-2.md §6.3, the django-gdpr-assist model): an
 * append-only file beside the database, not in it, that lists every erasure, purge and account
 * deletion by kind and id, never a personal value. A backup restored from before an erasure
 * would bring the erased data back; `treff restore` replays the journal's newer entries so it
 * does not. Entries are intents: a service appends inside the transaction of the erasure,
 * before the commit, so a crash can leave an entry for an erasure that did not commit (the
 * replay then carries out what was due anyway), never an erasure without its entry.
 */

/** What was erased. Each kind is replayed by the module that owns it. */
export const ERASURE_KINDS = [
  /** Stage 1 of a former member: the listed fields blanked (`fields` names them). */
  'members.fields',
  /** The final stage: the member row and fees gone, bookings unlinked. */
  'members.final',
  /** The actors in the audit trail of an erased member blanked. */
  'members.audit',
  /** An account row deleted (its files go at the next sync). */
  'accounts.account',
  /** A published key or a pending publication removed. */
  'keys.key',
] as const;
export type ErasureKind = (typeof ERASURE_KINDS)[number];

/** One erasure as a service reports it: ids and field names only. */
export interface Erasure {
  kind: ErasureKind;
  /** The id of the erased row (member, account, key). */
  id: string;
  /** For `members.fields`: the declaration names of the blanked fields. */
  fields?: readonly string[];
}

const Entry = z.strictObject({
  seq: z.int().positive(),
  at: z.iso.datetime(),
  kind: z.enum(ERASURE_KINDS),
  id: z.string().min(1).max(100),
  fields: z
    .array(z.string().regex(/^[a-zA-Z]+$/))
    .max(50)
    .optional(),
});
/** One line of the journal. */
export type JournalEntry = z.infer<typeof Entry>;

/** The journal as services see it. */
export interface ErasureJournal {
  /** Where the journal lives (the data dir, beside the database). */
  readonly path: string;
  /**
   * Appends one entry with the next sequence number and fsyncs it before returning. Call it
   * inside the transaction that erases, after its writes, so the entry exists before the commit.
   */
  record(at: Date, erasure: Erasure): Promise<void>;
  /**
   * Appends one entry per erasure, with consecutive sequence numbers, in one write and one
   * fsync (a batch of erasures committed in one transaction). Nothing for an empty list.
   */
  recordAll(at: Date, erasures: readonly Erasure[]): Promise<void>;
  /**
   * Every complete entry, oldest first. A torn last line (a crash during an append, before the
   * erasure committed) is skipped.
   * @throws AppError `erasure_journal_corrupt` naming the line of any other unreadable entry.
   */
  read(): Promise<JournalEntry[]>;
  /** The sequence number of the last entry, 0 for an empty or missing journal. */
  lastSeq(): Promise<number>;
}

/** The tail read to find the last sequence number: far longer than any one entry. */
const TAIL_BYTES = 8192;

function parseLines(text: string): JournalEntry[] {
  const lines = text.split('\n');
  // Without a final newline the last line is a torn append.
  if (!text.endsWith('\n')) lines.pop();
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    const result = Entry.safeParse(value);
    if (!result.success)
      throw new AppError(
        'internal',
        'erasure_journal_corrupt',
        `The erasure journal has an unreadable entry on line ${index + 1}.`,
      );
    entries.push(result.data);
  });
  return entries;
}

/**
 * The journal in the file `path` (JSON lines, mode 0600, created with its folder on first
 * append). Several processes (the server, the CLI) may append: each append opens the file in
 * append mode, so lines never interleave; two appends in the same instant from two processes
 * may share a sequence number, which the replay tolerates (it goes by order and time, and every
 * replay is idempotent).
 */
export function fileErasureJournal(path: string): ErasureJournal {
  return {
    path,
    async record(at, erasure) {
      await this.recordAll(at, [erasure]);
    },
    async recordAll(at, erasures) {
      if (erasures.length === 0) return;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const handle = await open(path, 'a+', 0o600);
      try {
        // Whatever the umask: the journal names who was erased (by id).
        await handle.chmod(0o600);
        const { size } = await handle.stat();
        const length = Math.min(size, TAIL_BYTES);
        const tail = Buffer.alloc(length);
        if (length > 0) await handle.read(tail, 0, length, size - length);
        // A torn last line (a crash during an append, before its erasure committed) is cut
        // off, so the new entry starts on a line of its own.
        const end = tail.lastIndexOf(0x0a) + 1;
        if (end < length) await handle.truncate(size - length + end);
        const lines = tail.subarray(0, end).toString('utf8').trimEnd().split('\n');
        const lastLine = end > 0 ? (lines.at(-1) ?? '') : '';
        const last = lastLine ? parseLines(`${lastLine}\n`).at(-1) : undefined;
        const seq = last?.seq ?? 0;
        const entries = erasures.map((erasure, index) => {
          const entry: JournalEntry = {
            seq: seq + index + 1,
            at: at.toISOString(),
            kind: erasure.kind,
            id: erasure.id,
            ...(erasure.fields ? { fields: [...erasure.fields] } : {}),
          };
          return `${JSON.stringify(Entry.parse(entry))}\n`;
        });
        await handle.write(entries.join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async read() {
      try {
        return parseLines(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async lastSeq() {
      const entries = await this.read();
      return entries.reduce((max, entry) => Math.max(max, entry.seq), 0);
    },
  };
}

/** Where the journal of the installation with data dir `dataDir` lives. */
export function journalPathIn(dataDir: string): string {
  return join(dataDir, 'erasure-journal.jsonl');
}
