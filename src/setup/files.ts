import { createHash } from 'node:crypto';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { writeFileAtomic } from '../core/fs.ts';
import type { SetupContext } from './context.ts';

/** Where setup keeps every file it replaces or removes, per run (`<stamp>/<path>`). */
export const BACKUP_DIR = '/var/lib/treff/setup-backups';

/** The md5 of a text, as dpkg records conffiles. */
export function md5(text: string | Buffer): string {
  return createHash('md5').update(text).digest('hex');
}

/** The uid and gid of a user and group in the target's /etc/passwd and /etc/group, or null. */
export async function lookupOwner(
  context: SetupContext,
  user: string,
  group: string,
): Promise<{ uid: number; gid: number } | null> {
  const field = (text: string | null, name: string) =>
    (text ?? '')
      .split('\n')
      .map((line) => line.split(':'))
      .find((parts) => parts[0] === name)?.[2];
  const uid = user === 'root' ? '0' : field(await context.target.read('/etc/passwd'), user);
  const gid = group === 'root' ? '0' : field(await context.target.read('/etc/group'), group);
  if (uid === undefined || gid === undefined) return null;
  return { uid: Number(uid), gid: Number(gid) };
}

/** Prints a unified diff of `path` (old text → new text) with `diff -u`. */
async function showDiff(
  context: SetupContext,
  path: string,
  old: string,
  next: string,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'treff-setup-diff-'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await writeFile(a, old);
    await writeFile(b, next);
    const result = await context.tools.run({
      argv: ['diff', '-u', '--label', `a${path}`, '--label', `b${path}`, a, b],
      readOnly: true,
    });
    if (result.code > 1)
      context.out(context.t('setup.diff.failed', { path, error: result.stderr.trim() }));
    else context.out(result.stdout.replace(/\n$/, ''));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Copies the current file at `path` into this run's backup directory (0700), keeping its mode. */
async function backup(context: SetupContext, path: string): Promise<void> {
  const source = context.target.path(path);
  const info = await lstat(source);
  const data = await readFile(source);
  const dir = context.target.path(posix.join(BACKUP_DIR, context.stamp));
  const copy = posix.join(dir, path);
  // Every directory on the way is private: a replaced file may have held a secret.
  for (let d = dirname(copy); d.length >= context.target.path(BACKUP_DIR).length; d = dirname(d)) {
    await mkdir(d, { recursive: true, mode: 0o700 });
    await chmod(d, 0o700);
  }
  await writeFileAtomic(copy, data, { mode: info.mode & 0o777 & ~0o077 });
  context.backups.push(path);
}

/** Options for {@link putFile}. */
export interface PutOptions {
  mode?: number;
  owner?: { user: string; group: string };
  /** Show a diff before replacing (default true). */
  diff?: boolean;
  /** Writes the file instead of the default atomic write (rendered configs use writeRendered). */
  write?: () => Promise<void>;
}

/**
 * Makes the file at target path `path` hold `content` with `mode`: unchanged when it does
 * already; otherwise prints `write PATH`, shows the diff against the file it replaces, keeps a
 * backup of that file, and writes atomically. In a dry run only the line is printed.
 * @returns whether anything changed (or would).
 */
export async function putFile(
  context: SetupContext,
  path: string,
  content: string,
  options: PutOptions = {},
): Promise<boolean> {
  const mode = options.mode ?? 0o644;
  const host = context.target.path(path);
  const current = await context.target.read(path);
  const owner = options.owner
    ? await lookupOwner(context, options.owner.user, options.owner.group)
    : null;
  if (current === content && (await hasMode(host, mode, owner))) return false;
  context.out(`write ${path}`);
  if (current !== null && current !== content && options.diff !== false)
    await showDiff(context, path, current, content);
  if (context.dryRun) return true;
  if (current !== null && current !== content) await backup(context, path);
  if (options.write) await options.write();
  else await writeFileAtomic(host, content, { mode });
  if (owner) await chown(host, owner.uid, owner.gid);
  context.written.push(path);
  return true;
}

/** Removes a file or symlink (with a backup of what it held). @returns whether it existed. */
export async function removeFile(
  context: SetupContext,
  path: string,
  options: { backup?: boolean } = {},
): Promise<boolean> {
  const host = context.target.path(path);
  try {
    await lstat(host);
  } catch {
    return false;
  }
  context.out(`remove ${path}`);
  if (context.dryRun) return true;
  if (options.backup !== false) {
    try {
      await backup(context, path);
    } catch {
      // A dangling symlink has nothing to keep.
    }
  }
  // Recursive only for the directories setup itself removes (certbot's live directory).
  await rm(host, { force: true, recursive: true });
  context.written.push(path);
  return true;
}

/** Makes `path` a directory with `mode` and owner. @returns whether anything changed. */
export async function putDir(
  context: SetupContext,
  path: string,
  mode: number,
  owner?: { user: string; group: string },
): Promise<boolean> {
  const host = context.target.path(path);
  const ids = owner ? await lookupOwner(context, owner.user, owner.group) : null;
  let exists: boolean;
  try {
    exists = (await stat(host)).isDirectory();
  } catch {
    exists = false;
  }
  if (exists && (await hasMode(host, mode, ids))) return false;
  context.out(`mkdir ${path}`);
  if (context.dryRun) return true;
  await mkdir(host, { recursive: true, mode });
  await chmod(host, mode);
  if (ids) await chown(host, ids.uid, ids.gid);
  context.written.push(path);
  return true;
}

async function hasMode(
  host: string,
  mode: number,
  owner: { uid: number; gid: number } | null,
): Promise<boolean> {
  const info = await stat(host);
  if ((info.mode & 0o7777) !== mode) return false;
  return !owner || (info.uid === owner.uid && info.gid === owner.gid);
}
