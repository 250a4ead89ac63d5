import { posix } from 'node:path';
import { hasWildcard, type RootFs } from './rootfs.ts';

/**
 * Readers for the line-based formats the doctor checks: systemd unit/journald files with their
 * drop-ins, Postfix main.cf, coturn's turnserver.conf, Java properties, Dovecot and sshd. Each
 * returns the *effective* value of a setting and the file that set it, following the daemon's
 * own rule (last one wins, or first one wins for sshd).
 */

/** A setting's value and where it was set. */
export interface Setting {
  value: string;
  file: string;
}

// ---------------------------------------------------------------------------------------------
// systemd (systemd.unit(5), journald.conf(5))

/**
 * The effective `[section] key` of a systemd configuration: the main file, then the drop-ins
 * `<name>.d/*.conf` of /usr/lib, /lib, /run and /etc in file-name order, where a drop-in in /etc
 * replaces one of the same name elsewhere. The last assignment wins. `mainFiles` are tried in
 * order; the first that exists is the main file.
 */
export async function readSystemd(
  fs: RootFs,
  mainFiles: readonly string[],
  dropInDir: string,
): Promise<{ get(section: string, key: string): Setting | undefined; files: string[] }> {
  const files: string[] = [];
  for (const candidate of mainFiles) {
    if (await fs.exists(candidate)) {
      files.push(candidate);
      break;
    }
  }
  const dropIns = new Map<string, string>();
  for (const base of ['/usr/lib', '/lib', '/run', '/etc']) {
    const dir = posix.join(base, dropInDir);
    for (const name of await fs.list(dir)) {
      if (name.endsWith('.conf')) dropIns.set(name, posix.join(dir, name));
    }
  }
  files.push(...[...dropIns.keys()].sort().map((name) => dropIns.get(name) ?? name));
  const values = new Map<string, Setting>();
  for (const file of files) {
    const text = (await fs.read(file)) ?? '';
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        section = header[1] ?? '';
        continue;
      }
      const eq = line.indexOf('=');
      if (eq === -1) continue;
      values.set(`${section}\0${line.slice(0, eq).trim()}`, {
        value: line.slice(eq + 1).trim(),
        file,
      });
    }
  }
  return { get: (section, key) => values.get(`${section}\0${key}`), files };
}

const SPAN_UNITS: [RegExp, number][] = [
  [/^(us|usec)$/, 1e-6],
  [/^(ms|msec)$/, 1e-3],
  [/^(s|sec|secs|second|seconds)?$/, 1],
  [/^(m|min|mins|minute|minutes)$/, 60],
  [/^(h|hr|hrs|hour|hours)$/, 3600],
  [/^(d|day|days)$/, 86_400],
  [/^(w|week|weeks)$/, 604_800],
  [/^(M|month|months)$/, 2_629_800],
  [/^(y|year|years)$/, 31_557_600],
];

/** A systemd time span (`10day`, `1month`, `2h 30min`, `864000`) in seconds; null if invalid. */
export function parseTimeSpan(text: string): number | null {
  const parts = text.trim().match(/(\d+(?:\.\d+)?)\s*([A-Za-z]*)/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return null;
  let total = 0;
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(part);
    if (!match) return null;
    const unit = SPAN_UNITS.find(([pattern]) => pattern.test(match[2] ?? ''));
    if (!unit) return null;
    total += Number(match[1]) * unit[1];
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// key = value formats

/** Postfix main.cf: `name = value`, continuation lines start with whitespace, last one wins. */
export function parsePostfixMain(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let current: [string, string] | null = null;
  const flush = () => {
    if (current) values.set(current[0], current[1].trim());
    current = null;
  };
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || line.trim() === '') continue;
    if (/^\s/.test(line) && current) {
      current[1] += ` ${line.trim()}`;
      continue;
    }
    flush();
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match) current = [match[1] ?? '', match[2] ?? ''];
  }
  flush();
  return values;
}

/**
 * coturn's turnserver.conf: one option per line, `name=value`, `name value` or a bare flag;
 * leading `--` allowed. Every occurrence is kept (some options repeat).
 */
export function parseTurnserver(text: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^-{0,2}([A-Za-z0-9-]+)\s*(?:[=\s]\s*(.*))?$/.exec(line);
    if (!match) continue;
    const name = match[1] ?? '';
    values.set(name, [...(values.get(name) ?? []), (match[2] ?? '').trim()]);
  }
  return values;
}

/** Java properties (`key=value`, `key: value`, `key value`, `#`/`!` comments, `\` continuation). */
export function parseProperties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)}${(lines[++i] ?? '').trim()}`;
    }
    const match = /^((?:\\.|[^=:\s])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) values.set((match[1] ?? '').replace(/\\(.)/g, '$1'), match[2] ?? '');
    else values.set(line, '');
  }
  return values;
}

/**
 * Dovecot: `key = value` at the top level (sections `name { … }` are skipped), `!include` and
 * `!include_try` with globs relative to the including file, last one wins. Values keep their
 * quotes removed.
 */
export async function readDovecot(
  fs: RootFs,
  file: string,
  values = new Map<string, Setting>(),
  depth = 0,
): Promise<Map<string, Setting>> {
  const text = await fs.read(file);
  if (text === null) return values;
  let nesting = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const include = /^!include(?:_try)?\s+(.+)$/.exec(line);
    if (include && nesting === 0 && depth < 10) {
      const target = include[1] ?? '';
      const path = posix.isAbsolute(target) ? target : posix.join(posix.dirname(file), target);
      const matches = hasWildcard(path) ? await fs.glob(path) : [path];
      for (const match of matches) await readDovecot(fs, match, values, depth + 1);
      continue;
    }
    if (line.endsWith('{')) {
      nesting++;
      continue;
    }
    if (line === '}') {
      nesting = Math.max(0, nesting - 1);
      continue;
    }
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match && nesting === 0) {
      values.set(match[1] ?? '', { value: (match[2] ?? '').replace(/^"(.*)"$/, '$1'), file });
    }
  }
  return values;
}

/**
 * sshd_config(5): keywords are case-insensitive and the first value obtained wins; `Include`
 * (globs, relative to /etc/ssh) is expanded in place; settings inside `Match` blocks apply only
 * to some connections and are ignored here.
 */
export async function readSshd(
  fs: RootFs,
  file: string,
  values = new Map<string, Setting>(),
  depth = 0,
): Promise<Map<string, Setting>> {
  const text = await fs.read(file);
  if (text === null) return values;
  let inMatch = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keyword = '', ...rest] = line.split(/\s+|=/).filter((word) => word !== '');
    const key = keyword.toLowerCase();
    if (key === 'match') {
      inMatch = true;
      continue;
    }
    if (key === 'include' && depth < 10) {
      for (const target of rest) {
        const path = posix.isAbsolute(target) ? target : posix.join('/etc/ssh', target);
        const matches = hasWildcard(path) ? await fs.glob(path) : [path];
        for (const match of matches) await readSshd(fs, match, values, depth + 1);
      }
      continue;
    }
    if (inMatch || values.has(key)) continue;
    values.set(key, { value: rest.join(' '), file });
  }
  return values;
}
