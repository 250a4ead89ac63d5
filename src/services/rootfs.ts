import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';

/**
 * Reads a file tree as if `root` were `/` (the doctor's `--root DIR`): absolute paths and
 * absolute symlinks resolve inside `root`, so a copy of a server's /etc (whose symlinks point to
 * /etc/…) or a rendered tree is checked exactly like the live system. Read-only.
 */
export class RootFs {
  readonly root: string;

  constructor(root: string) {
    this.root = posix.resolve(root);
  }

  /** Whether this is the live system. */
  get live(): boolean {
    return this.root === '/';
  }

  /**
   * The path on the host for `path` (absolute, as under root), following symlinks inside root.
   * Returns null when a component is missing. Throws on a symlink loop.
   */
  async resolve(path: string): Promise<string | null> {
    if (this.live) return posix.normalize(path);
    let parts = splitPath(path);
    let current = '/';
    let hops = 0;
    while (parts.length > 0) {
      const part = parts.shift() ?? '';
      if (part === '..') {
        current = posix.dirname(current);
        continue;
      }
      const next = posix.join(current, part);
      let info: Stats;
      try {
        info = await lstat(this.host(next));
      } catch {
        return null;
      }
      if (info.isSymbolicLink()) {
        if (++hops > 40) throw new Error(`too many symlinks under ${path}`);
        const target = await readlink(this.host(next));
        parts = [...splitPath(target), ...parts];
        current = target.startsWith('/') ? '/' : current;
        continue;
      }
      current = next;
    }
    return this.host(current);
  }

  private host(path: string): string {
    return posix.join(this.root, path);
  }

  /** The text of a file, or null when it does not exist. Throws when it cannot be read. */
  async read(path: string): Promise<string | null> {
    const buffer = await this.readBytes(path);
    return buffer === null ? null : buffer.toString('utf8');
  }

  /** The bytes of a file, or null when it does not exist. */
  async readBytes(path: string): Promise<Buffer | null> {
    const resolved = await this.resolve(path);
    if (resolved === null) return null;
    try {
      return await readFile(resolved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw error;
    }
  }

  /** stat() of a path (following symlinks), or null. */
  async stat(path: string): Promise<Stats | null> {
    const resolved = await this.resolve(path);
    if (resolved === null) return null;
    try {
      return await stat(resolved);
    } catch {
      return null;
    }
  }

  /** Whether a path exists. */
  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  /** The entries of a directory, sorted by name; empty when it does not exist. */
  async list(dir: string): Promise<string[]> {
    const resolved = await this.resolve(dir);
    if (resolved === null) return [];
    try {
      return (await readdir(resolved)).sort();
    } catch {
      return [];
    }
  }

  /**
   * The paths (as under root) matching a shell pattern with `*`, `?` and `[…]` in any component,
   * sorted; a pattern without wildcards yields itself if it exists. Hidden files match only a
   * pattern component that starts with a dot, as in glob(3).
   */
  async glob(pattern: string): Promise<string[]> {
    const parts = splitPath(pattern);
    let paths = ['/'];
    for (const part of parts) {
      const next: string[] = [];
      for (const base of paths) {
        if (!hasWildcard(part)) {
          const candidate = posix.join(base, part);
          if (await this.exists(candidate)) next.push(candidate);
          continue;
        }
        const regex = globToRegExp(part);
        for (const name of await this.list(base)) {
          if (name.startsWith('.') && !part.startsWith('.')) continue;
          if (regex.test(name)) next.push(posix.join(base, name));
        }
      }
      paths = next;
    }
    return paths.sort();
  }
}

/** Problems met while reading (a missing include, an unbalanced brace). */
export interface ReadProblem {
  file: string;
  message: string;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** Whether a path component holds a shell wildcard. */
export function hasWildcard(text: string): boolean {
  return /[*?[]/.test(text);
}

/** A shell pattern (one component or a whole path, `*` not crossing `/`) as a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\/]/g, (x) => `\\${x}`);
  }
  return new RegExp(`^${source}$`);
}
