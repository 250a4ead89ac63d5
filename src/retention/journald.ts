import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { durationMilliseconds, parseDuration } from '../core/duration.ts';

const exec = promisify(execFile);

/**
 * journald deletes on its own; treff checks that it is configured to keep no longer than
 * declared (`MaxRetentionSec`, with `MaxFileSec` so whole files can go in time: services.md
 * §1.2) and reads the time of the oldest entry.
 */
export interface JournaldCheck {
  /** The effective MaxRetentionSec in ms, or null when unset (journald's default: unlimited). */
  maxRetentionMs: number | null;
  maxFileMs: number | null;
  /** The time of the oldest entry, or null when unknown (no journal, no journalctl). */
  oldestEntry: number | null;
}

/**
 * Reads journald.conf and its drop-ins under `root` the way systemd does: later files win,
 * `/etc` over `/run` over `/usr/lib`, drop-ins in lexical order after the main file.
 */
export async function readJournaldConfig(
  root: string,
): Promise<{ maxRetentionMs: number | null; maxFileMs: number | null }> {
  const files = [join(root, 'etc/systemd/journald.conf')];
  const dropIns = new Map<string, string>();
  for (const dir of [
    'usr/lib/systemd/journald.conf.d',
    'run/systemd/journald.conf.d',
    'etc/systemd/journald.conf.d',
  ]) {
    try {
      for (const name of (await readdir(join(root, dir))).filter((entry) =>
        entry.endsWith('.conf'),
      ))
        dropIns.set(name, join(root, dir, name));
    } catch {
      // No such directory.
    }
  }
  files.push(...[...dropIns.keys()].sort().map((name) => dropIns.get(name) ?? ''));
  let retention: string | null = null;
  let file: string | null = null;
  for (const path of files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    let inJournal = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) inJournal = line === '[Journal]';
      else if (inJournal && !line.startsWith('#') && !line.startsWith(';')) {
        const [key, value] = line.split('=', 2).map((part) => part.trim());
        if (key === 'MaxRetentionSec') retention = value ?? null;
        if (key === 'MaxFileSec') file = value ?? null;
      }
    }
  }
  return { maxRetentionMs: systemdTimespan(retention), maxFileMs: systemdTimespan(file) };
}

/** A systemd time span (`10day`, `1d 12h`, `864000`, `0` = off) in ms; null when unset or off. */
export function systemdTimespan(value: string | null): number | null {
  if (value === null || value === '' || value === '0') return null;
  const units: Record<string, number> = {
    us: 1e-3,
    usec: 1e-3,
    ms: 1,
    msec: 1,
    s: 1000,
    sec: 1000,
    second: 1000,
    seconds: 1000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    minutes: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
    hour: 3_600_000,
    hours: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
    days: 86_400_000,
    w: 604_800_000,
    week: 604_800_000,
    weeks: 604_800_000,
    M: 2_629_800_000,
    month: 2_629_800_000,
    months: 2_629_800_000,
    y: 31_557_600_000,
    year: 31_557_600_000,
    years: 31_557_600_000,
  };
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  let total = 0;
  const parts = value.replace(/\s+/g, '').matchAll(/(\d+(?:\.\d+)?)([a-zA-Z]+)/g);
  let matched = '';
  for (const [whole, number, unit] of parts) {
    const factor = units[unit ?? ''];
    if (factor === undefined) return null;
    total += Number(number) * factor;
    matched += whole;
  }
  return matched === value.replace(/\s+/g, '') ? total : null;
}

/** The oldest journal entry per `journalctl --list-boots` (its first boot's first entry). */
export async function oldestJournalEntry(): Promise<number | null> {
  try {
    const { stdout } = await exec('journalctl', ['--list-boots', '--no-pager', '-o', 'json'], {
      timeout: 20_000,
    });
    const boots = JSON.parse(stdout) as { first_entry?: number }[];
    const firsts = boots
      .map((boot) => boot.first_entry)
      .filter((value): value is number => typeof value === 'number');
    // first_entry is in microseconds since the epoch.
    return firsts.length > 0 ? Math.min(...firsts) / 1000 : null;
  } catch {
    return null;
  }
}

/** Whether a journald setup keeps entries no longer than `keep` (an ISO 8601 duration). */
export function journaldKeepsWithin(
  check: Pick<JournaldCheck, 'maxRetentionMs'>,
  keep: string,
): boolean {
  const duration = parseDuration(keep);
  if (!duration || check.maxRetentionMs === null) return false;
  return check.maxRetentionMs <= durationMilliseconds(duration);
}
