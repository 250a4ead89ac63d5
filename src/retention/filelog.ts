import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Log files under a retention period, without a daemon's help:
 * - rotated files (`access.log.1`, `access.log.2.gz`, `access.log-20261126`) older than the
 *   period (by modification time: the time of their newest line) are deleted;
 * - the live file, if declared as not rotated, loses its lines older than the period.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ISO = /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/;
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\]/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) /;

/**
 * The time stamp of a log line, in milliseconds, or null: ISO 8601 (nginx `$time_iso8601`,
 * journal exports, RFC 5424 syslog) within the first 80 characters, the common log format
 * (`[26/Nov/2026:23:24:55 +0000]`), or RFC 3164 syslog at the start (`Nov 26 23:24:55`, which has
 * no year: the latest such time not after `now`).
 */
export function lineTime(line: string, now: Date): number | null {
  const head = line.slice(0, 80);
  const iso = ISO.exec(head);
  if (iso) {
    const zone = iso[4]
      ? iso[4] === 'Z'
        ? 'Z'
        : iso[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
      : 'Z';
    const ms = Date.parse(`${iso[1] ?? ''}T${iso[2] ?? ''}${iso[3] ?? ''}${zone}`);
    return Number.isNaN(ms) ? null : ms;
  }
  const clf = CLF.exec(head);
  if (clf) {
    const month = MONTHS.indexOf(clf[2] ?? '') + 1;
    const zone = (clf[5] ?? '+0000').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const ms = Date.parse(
      `${clf[3] ?? ''}-${String(month).padStart(2, '0')}-${clf[1] ?? ''}T${clf[4] ?? ''}${zone}`,
    );
    return Number.isNaN(ms) ? null : ms;
  }
  const syslog = SYSLOG.exec(line);
  if (syslog) {
    const month = MONTHS.indexOf(syslog[1] ?? '');
    if (month < 0) return null;
    const [hours, minutes, seconds] = (syslog[3] ?? '').split(':').map(Number) as [
      number,
      number,
      number,
    ];
    const year = now.getUTCFullYear();
    const ms = Date.UTC(year, month, Number(syslog[2]), hours, minutes, seconds);
    // No year in the line: a time more than a day ahead of now was last year.
    return ms > now.getTime() + 86_400_000
      ? Date.UTC(year - 1, month, Number(syslog[2]), hours, minutes, seconds)
      : ms;
  }
  return null;
}

/** What one sweep of a log did. */
export interface LogSweep {
  filesDeleted: number;
  linesRemoved: number;
  /** The time of the oldest line or rotated file kept, if any. */
  oldestKept: number | null;
  /** Log files left: the live file and the rotated ones kept. */
  filesKept: number;
}

/** Hooks for tests: a crash between the steps of a prune. */
export interface PruneHooks {
  beforeRename?: () => void | Promise<void>;
}

/**
 * Deletes rotated siblings of `path` whose newest line (mtime) is older than `cutoff`, and,
 * when `pruneLive`, removes the lines older than `cutoff` from `path` itself (see
 * {@link pruneLines}). Idempotent: a second sweep with the same cutoff changes nothing.
 */
export async function sweepLog(
  path: string,
  cutoff: number,
  options: { pruneLive: boolean; dryRun: boolean; now: Date; hooks?: PruneHooks },
): Promise<LogSweep> {
  const result: LogSweep = { filesDeleted: 0, linesRemoved: 0, oldestKept: null, filesKept: 0 };
  const keep = (time: number) => {
    result.oldestKept = result.oldestKept === null ? time : Math.min(result.oldestKept, time);
  };
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  for (const entry of entries) {
    if (entry === name || !(entry.startsWith(`${name}.`) || entry.startsWith(`${name}-`))) continue;
    const info = await stat(join(dir, entry));
    if (!info.isFile()) continue;
    if (info.mtimeMs < cutoff) {
      result.filesDeleted++;
      if (!options.dryRun) await rm(join(dir, entry), { force: true });
    } else {
      keep(info.mtimeMs);
      result.filesKept++;
    }
  }
  if (entries.includes(name)) result.filesKept++;
  if (options.pruneLive && entries.includes(name)) {
    const pruned = await pruneLines(path, cutoff, options);
    result.linesRemoved += pruned.linesRemoved;
    if (pruned.oldestKept !== null) keep(pruned.oldestKept);
  } else if (entries.includes(name)) {
    // A rotated live file is the daemon's (logrotate's) to cut; it is still kept, so its first
    // line counts for the oldest item: a rotation that stopped shows as a log kept too long.
    const first = await firstLineTime(path, options.now);
    if (first !== null) keep(first);
  }
  return result;
}

/** The time stamp of the first dated line among the first 64 KiB of `path`, or null. */
async function firstLineTime(path: string, now: Date): Promise<number | null> {
  const handle = await open(path, 'r');
  try {
    const head = await readRange(handle, 0, Math.min((await handle.stat()).size, 65_536));
    for (const line of head.toString('utf8').split('\n')) {
      const time = lineTime(line, now);
      if (time !== null) return time;
    }
    return null;
  } finally {
    await handle.close();
  }
}

async function readRange(handle: FileHandle, from: number, to: number): Promise<Buffer> {
  const buffer = Buffer.alloc(to - from);
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, from + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset);
}

/** Bytes read per step: large enough that a million-line log takes a few dozen reads. */
const CHUNK = 1 << 20;

const DIGIT = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/**
 * Whether the line `[start, end)` of `buffer` carries an ISO 8601 time stamp that is certainly
 * before `cutoff`, decided from its bytes alone; null when the line is not of that simple shape
 * or its second equals the cutoff's (then {@link lineTime} decides). The same stamp that
 * `lineTime` reads: the leftmost `YYYY-MM-DD[T ]hh:mm:ss` (the first `-` of the line is the
 * fifth byte of any such stamp), ending within the first 80 bytes, in UTC (`Z` or no zone) or
 * a `±hh:mm`/`±hhmm` offset, compared as text with the cutoff written in the same offset.
 */
function isoBefore(
  buffer: Buffer,
  start: number,
  end: number,
  cutoffs: Map<number, Buffer>,
  cutoff: number,
): boolean | null {
  const dash = buffer.indexOf(0x2d, start);
  const at = dash - 4;
  if (dash < 0 || at < start || at + 19 > end || at + 19 > start + 80) return null;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
    if (!DIGIT(buffer[at + i])) return null;
  const t = buffer[at + 10];
  if (
    buffer[at + 7] !== 0x2d ||
    (t !== 0x54 && t !== 0x20) ||
    buffer[at + 13] !== 0x3a ||
    buffer[at + 16] !== 0x3a
  )
    return null;
  let zone = at + 19;
  if (buffer[zone] === 0x2e && DIGIT(buffer[zone + 1])) {
    zone++;
    while (zone < end && DIGIT(buffer[zone])) zone++;
  }
  let offset = 0;
  const sign = buffer[zone];
  if (sign === 0x2b || sign === 0x2d) {
    // ±hh:mm or ±hhmm, as the ISO pattern of lineTime reads it; anything else: no zone (UTC).
    const colon = buffer[zone + 3] === 0x3a ? 1 : 0;
    const digits = [1, 2, 3 + colon, 4 + colon].map((i) => buffer[zone + i]);
    if (digits.every(DIGIT)) {
      const [h1, h2, m1, m2] = digits.map((byte) => (byte ?? 0x30) - 0x30) as [
        number,
        number,
        number,
        number,
      ];
      offset = (sign === 0x2d ? -1 : 1) * ((h1 * 10 + h2) * 60 + m1 * 10 + m2);
      if (zone + 5 + colon > start + 80) return null;
    }
  } else if (zone > start + 80) return null;
  let text = cutoffs.get(offset);
  if (!text) {
    text = Buffer.from(new Date(cutoff + offset * 60_000).toISOString().slice(0, 19));
    cutoffs.set(offset, text);
  }
  for (let i = 0; i < 19; i++) {
    if (i === 10) continue;
    const a = buffer[at + i] ?? 0;
    const b = text[i] ?? 0;
    if (a !== b) return a < b ? true : null;
  }
  return null;
}

/**
 * Where the lines to keep start: the first complete line dated at or after `cutoff`, read in
 * steps of {@link CHUNK} from the start (a log may be far larger than memory should hold). A
 * line without a time stamp belongs to the line before it; leading lines without one are kept.
 */
async function findCut(
  handle: FileHandle,
  size: number,
  cutoff: number,
  now: Date,
): Promise<{ cut: number; removed: number; oldestKept: number | null }> {
  let buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
  const cutoffs = new Map<number, Buffer>();
  let base = 0; // the file offset of buffer[0]
  let length = 0;
  let position = 0;
  let removed = 0;
  let cut = 0;
  for (;;) {
    const end = buffer.indexOf(0x0a, position);
    if (end === -1 || end >= length) {
      if (base + length >= size) break; // a line being written: kept
      // Keep the unfinished line, read on; a line longer than the buffer grows it.
      const rest = length - position;
      if (rest >= buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, position, length);
        buffer = larger;
      } else buffer.copyWithin(0, position, length);
      base += position;
      position = 0;
      length = rest;
      const { bytesRead } = await handle.read(
        buffer,
        length,
        buffer.length - length,
        base + length,
      );
      if (bytesRead === 0) break;
      length += bytesRead;
      continue;
    }
    // A dated line older than the cutoff after the first goes without decoding it.
    if (removed > 0 && isoBefore(buffer, position, end, cutoffs, cutoff) === true) {
      removed++;
      cut = base + end + 1;
      position = end + 1;
      continue;
    }
    const time = lineTime(buffer.toString('utf8', position, Math.min(end, position + 200)), now);
    if (time !== null && time >= cutoff) return { cut, removed, oldestKept: time };
    // Leading lines without a time stamp: kept, as their age is unknown.
    if (time === null && removed === 0) break;
    removed++;
    cut = base + end + 1;
    position = end + 1;
  }
  return { cut, removed, oldestKept: null };
}

/** Copies the bytes `[from, to)` of `source` to the end of `target`, a chunk at a time. */
async function copyRange(
  source: FileHandle,
  target: FileHandle,
  from: number,
  to: number,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(to - from, 1)));
  for (let offset = from; offset < to;) {
    const { bytesRead } = await source.read(
      buffer,
      0,
      Math.min(buffer.length, to - offset),
      offset,
    );
    if (bytesRead === 0) break;
    await target.write(buffer.subarray(0, bytesRead));
    offset += bytesRead;
  }
}

/**
 * Removes the lines older than `cutoff` from the start of a log file that is not rotated.
 *
 * Atomic and loss-free: the kept lines are written to a temp file in the same directory, lines
 * appended to the log meanwhile are copied after them until the size stands still, the temp
 * file is fsynced and renamed over the log, and whatever a writer still appended to the old
 * file before it reopened is copied over once more. A crash before the rename leaves the log
 * untouched (the temp file is removed on the next run); after it, the new file is complete.
 * Lines are dropped only from the start, up to the first line at or after `cutoff`; a line
 * without a time stamp belongs to the line before it (multi-line entries). The log is read in
 * steps of a MiB, never whole.
 */
export async function pruneLines(
  path: string,
  cutoff: number,
  options: { dryRun: boolean; now: Date; hooks?: PruneHooks },
): Promise<{ linesRemoved: number; oldestKept: number | null }> {
  const dir = dirname(path);
  for (const entry of await readdir(dir)) {
    if (entry.startsWith(`.${basename(path)}.`) && entry.endsWith('.prune'))
      await rm(join(dir, entry), { force: true });
  }
  const original = await open(path, 'r');
  try {
    const { size, mode: fullMode } = await original.stat();
    const { cut, removed, oldestKept } = await findCut(original, size, cutoff, options.now);
    if (removed === 0 || options.dryRun) return { linesRemoved: removed, oldestKept };

    const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.prune`);
    const mode = fullMode & 0o777;
    const out = await open(temp, 'wx', mode);
    try {
      // The log keeps its mode whatever the umask (treff serve runs with 0077).
      await out.chmod(mode);
      await copyRange(original, out, cut, size);
      let copied = size;
      for (;;) {
        const now = (await stat(path)).size;
        if (now <= copied) break;
        await copyRange(original, out, copied, now);
        copied = now;
      }
      await out.sync();
      await out.close();
      await options.hooks?.beforeRename?.();
      const info = await original.stat();
      await rename(temp, path);
      const fresh = await open(path, 'a');
      try {
        await fresh.chown(info.uid, info.gid).catch(() => undefined);
        // A writer that had the old file open may have appended after our last copy.
        const late = (await original.stat()).size;
        if (late > copied) await copyRange(original, fresh, copied, late);
        await fresh.sync();
      } finally {
        await fresh.close();
      }
    } catch (error) {
      await out.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    return { linesRemoved: removed, oldestKept };
  } finally {
    await original.close();
  }
}
