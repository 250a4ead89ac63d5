import { posix } from 'node:path';
import type { ReadProblem, RootFs } from '../rootfs.ts';

/**
 * A reader for the HOCON subset of jvb.conf and jicofo.conf (objects, dotted keys, `=`/`:`,
 * arrays, quoted and unquoted strings, `#` and `//` comments, `include "file"`), flattened to
 * dotted paths. A later value replaces an earlier one; objects merge (HOCON spec "Duplicate
 * keys"). Substitutions (`${…}`) are kept as text. Enough to read the few settings the doctor
 * checks (services.md §3.1 point 3).
 */

export type HoconValue = string | number | boolean | null | HoconValue[];

export interface HoconConfig {
  values: Map<string, HoconValue>;
  problems: ReadProblem[];
}

/** Reads `file` (as under root) with its includes. */
export async function readHocon(fs: RootFs, file: string): Promise<HoconConfig> {
  const config: HoconConfig = { values: new Map(), problems: [] };
  await parseInto(fs, file, [], config, 0, []);
  return config;
}

async function parseInto(
  fs: RootFs,
  file: string,
  prefix: string[],
  config: HoconConfig,
  depth: number,
  chain: readonly string[],
): Promise<void> {
  const text = await fs.read(file);
  if (text === null) {
    config.problems.push({ file, message: 'file not found' });
    return;
  }
  let i = 0;
  const skip = () => {
    for (;;) {
      while (i < text.length && /[\s,]/.test(text[i] ?? '')) i++;
      if (text[i] === '#' || text.startsWith('//', i)) {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      return;
    }
  };
  const quoted = (): string => {
    let value = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        // JSON escapes, \uXXXX included; a broken one is kept as written.
        const escape = /^\\(?:u[0-9A-Fa-f]{4}|["\\/bfnrt])/.exec(text.slice(i, i + 6))?.[0];
        value += escape ? (JSON.parse(`"${escape}"`) as string) : '\\';
        i += escape ? escape.length : 1;
        continue;
      }
      value += text[i] ?? '';
      i++;
    }
    i++;
    return value;
  };
  const key = (): string[] => {
    const parts: string[] = [];
    let current = '';
    while (i < text.length) {
      const c = text[i] ?? '';
      if (c === '"') current += quoted();
      else if (c === '.') {
        parts.push(current.trim());
        current = '';
        i++;
      } else if (/[=:{\s]/.test(c)) break;
      else {
        current += c;
        i++;
      }
    }
    parts.push(current.trim());
    return parts;
  };
  // Objects and arrays nest by recursion; past this depth the rest of the file is a problem.
  let nesting = 0;
  const value = async (path: string[]): Promise<HoconValue | undefined> => {
    if (nesting >= 200) {
      config.problems.push({ file, message: 'nested too deeply' });
      i = text.length;
      return undefined;
    }
    nesting++;
    try {
      return await nested(path);
    } finally {
      nesting--;
    }
  };
  const nested = async (path: string[]): Promise<HoconValue | undefined> => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      await object(path, '}');
      return undefined;
    }
    if (c === '[') {
      i++;
      const items: HoconValue[] = [];
      for (;;) {
        skip();
        if (text[i] === ']' || i >= text.length) {
          i++;
          break;
        }
        const before = i;
        const item = await value(path);
        if (item !== undefined) items.push(item);
        // A character no rule takes (`}` in an array) would otherwise loop forever.
        if (i === before) i++;
      }
      return items;
    }
    if (c === '"') return quoted();
    let raw = '';
    while (i < text.length && !/[\n,}\]#]/.test(text[i] ?? '') && !text.startsWith('//', i)) {
      raw += text[i] ?? '';
      i++;
    }
    raw = raw.trim();
    if (raw === 'true' || raw === 'false') return raw === 'true';
    if (raw === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    return raw;
  };
  const object = async (path: string[], end: string | null): Promise<void> => {
    for (;;) {
      skip();
      if (i >= text.length) return;
      if (end && text[i] === end) {
        i++;
        return;
      }
      if (/^include\s/.test(text.slice(i, i + 8))) {
        i += 7;
        skip();
        const match = /^(?:(?:required|file)\(\s*)?"([^"]*)"\s*\)?/.exec(text.slice(i));
        if (match) {
          i += match[0].length;
          const target = match[1] ?? '';
          const included = posix.isAbsolute(target)
            ? target
            : posix.join(posix.dirname(file), target);
          if (included === file || chain.includes(included))
            config.problems.push({ file, message: `include loop through ${included}` });
          else if (depth < 10)
            await parseInto(fs, included, path, config, depth + 1, [...chain, file]);
          continue;
        }
      }
      const start = i;
      const parts = key();
      skip();
      if (text[i] === '=' || text[i] === ':') i++;
      const full = [...path, ...parts];
      const result = await value(full);
      if (result !== undefined) {
        const name = full.join('.');
        // A scalar replaces anything under it that an earlier object set.
        for (const existing of [...config.values.keys()]) {
          if (existing.startsWith(`${name}.`)) config.values.delete(existing);
        }
        config.values.set(name, result);
      }
      if (i === start) {
        config.problems.push({ file, message: `unexpected "${text[i] ?? ''}"` });
        i++;
      }
    }
  };
  await object(prefix, null);
}
