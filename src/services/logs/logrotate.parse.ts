import { posix } from 'node:path';
import { globToRegExp, hasWildcard, type ReadProblem, type RootFs } from '../rootfs.ts';

/**
 * A reader for logrotate 3.21 configuration (logrotate(8)): global directives, `include` of files
 * and directories (sorted, skipping the names logrotate skips), stanzas that copy the global
 * settings in force where they appear, and scripts skipped to `endscript`. Enough to tell, for a
 * log file, which stanza rotates it and how.
 */

/** The settings of one stanza that decide how old a log can get. */
export interface RotationSettings {
  interval: 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | null;
  /** Set when `size` replaced the interval (logrotate: "mutually exclusive"). */
  size: string | null;
  minsize: string | null;
  rotate: number | null;
  maxage: number | null;
  ifempty: boolean;
}

export interface LogrotateStanza {
  patterns: string[];
  settings: RotationSettings;
  file: string;
  line: number;
}

export interface LogrotateConfig {
  stanzas: LogrotateStanza[];
  problems: ReadProblem[];
}

const DEFAULTS: RotationSettings = {
  interval: null,
  size: null,
  minsize: null,
  rotate: 0,
  maxage: null,
  ifempty: true,
};

/** File names logrotate skips in an included directory (its default taboo list). */
const TABOO = [
  /\.dpkg-(old|dist|new|bak|del|tmp)$/,
  /\.disabled$/,
  /\.rpm(orig|save|new)$/,
  /\.swp$/,
  /\.cfsaved$/,
  /\.ucf-(old|new|dist)$/,
  /,v$/,
  /~$/,
  /\.bak$/,
  /\.orig$/,
  /\.save$/,
];

function apply(settings: RotationSettings, words: string[]): void {
  const [name, value] = words;
  switch (name) {
    case 'hourly':
    case 'daily':
    case 'weekly':
    case 'monthly':
    case 'yearly':
      settings.interval = name;
      settings.size = null;
      break;
    case 'size':
      settings.size = value ?? '';
      break;
    case 'minsize':
      settings.minsize = value ?? '';
      break;
    case 'rotate':
      settings.rotate = Number(value);
      break;
    case 'maxage':
      settings.maxage = Number(value);
      break;
    case 'ifempty':
      settings.ifempty = true;
      break;
    case 'notifempty':
      settings.ifempty = false;
      break;
    default:
      break;
  }
}

/** Reads `/etc/logrotate.conf` (or Debian's layout, `include /etc/logrotate.d`, when absent). */
export async function readLogrotate(fs: RootFs): Promise<LogrotateConfig> {
  const result: LogrotateConfig = { stanzas: [], problems: [] };
  const defaults = { ...DEFAULTS };
  if (await fs.exists('/etc/logrotate.conf')) {
    await readFileInto(fs, '/etc/logrotate.conf', defaults, result, 0);
  } else {
    await includePath(fs, '/etc/logrotate.d', defaults, result, 0);
  }
  return result;
}

async function includePath(
  fs: RootFs,
  path: string,
  defaults: RotationSettings,
  result: LogrotateConfig,
  depth: number,
): Promise<void> {
  const info = await fs.stat(path);
  if (!info) return;
  if (info.isDirectory()) {
    for (const name of await fs.list(path)) {
      if (TABOO.some((pattern) => pattern.test(name))) continue;
      const child = posix.join(path, name);
      if ((await fs.stat(child))?.isFile()) await readFileInto(fs, child, defaults, result, depth);
    }
  } else {
    await readFileInto(fs, path, defaults, result, depth);
  }
}

async function readFileInto(
  fs: RootFs,
  file: string,
  defaults: RotationSettings,
  result: LogrotateConfig,
  depth: number,
): Promise<void> {
  const text = await fs.read(file);
  if (text === null) return;
  const lines = text.split('\n');
  let stanza: LogrotateStanza | null = null;
  let pending: string[] = [];
  let pendingLine = 0;
  let inScript = false;
  for (let index = 0; index < lines.length; index++) {
    const raw = (lines[index] ?? '').trim();
    if (inScript) {
      if (/^endscript\b/.test(raw)) inScript = false;
      continue;
    }
    if (raw === '' || raw.startsWith('#')) continue;
    if (stanza) {
      if (raw === '}') {
        result.stanzas.push(stanza);
        stanza = null;
        continue;
      }
      const words = raw.split(/\s+/);
      if (/^(postrotate|prerotate|firstaction|lastaction|preremove)$/.test(words[0] ?? '')) {
        inScript = true;
        continue;
      }
      apply(stanza.settings, words);
      continue;
    }
    // Outside a stanza: path lines end with `{`; everything else is a global directive.
    if (raw.startsWith('/') || raw.startsWith('"') || pending.length > 0 || raw === '{') {
      const open = raw.endsWith('{');
      const body = open ? raw.slice(0, -1) : raw;
      if (pending.length === 0) pendingLine = index + 1;
      pending.push(...(body.match(/"[^"]*"|\S+/g) ?? []).map((word) => word.replace(/^"|"$/g, '')));
      if (open) {
        stanza = { patterns: pending, settings: { ...defaults }, file, line: pendingLine };
        pending = [];
      }
      continue;
    }
    const words = raw.split(/\s+/);
    if (words[0] === 'include' && words[1] && depth < 10) {
      await includePath(fs, words[1], defaults, result, depth + 1);
      continue;
    }
    apply(defaults, words);
  }
  if (stanza) result.problems.push({ file, message: `line ${stanza.line}: stanza not closed` });
}

/**
 * The stanza that rotates `path` (a file, or one of treff's patterns such as
 * `/var/log/nginx/*.log`): the first in reading order, as logrotate ignores a later duplicate.
 * `duplicates` lists the stanzas it ignores.
 */
export function stanzaFor(
  config: LogrotateConfig,
  path: string,
): { stanza: LogrotateStanza | null; duplicates: LogrotateStanza[] } {
  const matching = config.stanzas.filter((stanza) =>
    stanza.patterns.some(
      (pattern) =>
        pattern === path ||
        (hasWildcard(pattern) && !hasWildcard(path) && globToRegExp(pattern).test(path)) ||
        (hasWildcard(path) && !hasWildcard(pattern) && globToRegExp(path).test(pattern)),
    ),
  );
  return { stanza: matching[0] ?? null, duplicates: matching.slice(1) };
}
