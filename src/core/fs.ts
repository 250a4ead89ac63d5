import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Mode of a directory holding personal data or secrets: only treff's own user may enter. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of a file holding personal data or secrets: only treff's own user may read it. */
export const PRIVATE_FILE_MODE = 0o600;
/**
 * The process umask for commands that write only private files (src/main.ts): a second line of
 * defence behind the explicit modes below, which hold whatever the umask.
 */
export const PRIVATE_UMASK = 0o077;

/**
 * Creates `path` (and missing parents) as a private directory, and tightens it to 0700 when it
 * exists with a wider mode. The mode is set with chmod, so it holds whatever the umask.
 * Idempotent.
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(path, PRIVATE_DIR_MODE);
}

/**
 * Creates `path` with `mode` and its missing parents, whatever the umask (`mkdir` alone masks
 * it: under treff's 0077 a new /etc/systemd/journald.conf.d would be root's alone, and journald's
 * readers, Dovecot's auth, would be shut out). New parents of a private folder are private too;
 * those of any other are 0755, so a daemon can pass through them to its own folder (a 0750
 * /etc/dovecot/treff for the dovecot group under a new /etc). Folders that exist keep their
 * mode. Idempotent.
 */
export async function makeDirs(path: string, mode: number): Promise<void> {
  const parentMode = isGroupOrOtherAccessible(mode) ? 0o755 : mode;
  const first = await mkdir(path, { recursive: true, mode });
  if (first === undefined) return;
  // mkdir names the topmost folder it created; every folder from there down to `path` is new.
  for (let dir = path; ; dir = dirname(dir)) {
    await chmod(dir, dir === path ? mode : parentMode);
    if (dir === first || dirname(dir) === dir) break;
  }
}

/**
 * Makes sure `path` exists as a private file (0600), creating it empty in a private directory
 * when missing and tightening its mode when wider. Never truncates. Idempotent.
 */
export async function ensurePrivateFile(path: string): Promise<void> {
  await ensurePrivateDir(dirname(path));
  const handle = await open(path, 'a', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
  } finally {
    await handle.close();
  }
}

/** Whether a mode lets anyone but the owner read, write or enter. */
export function isGroupOrOtherAccessible(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/**
 * Writes `data` to `path` so that readers see either the old or the whole new file, never a part:
 * a temporary file in the same directory is written, fsynced and renamed over the target, then
 * the directory is fsynced so the rename survives a crash. The file gets `mode` (default 0644)
 * whatever the umask. Creates missing parent directories, 0755 whatever the umask; for a private
 * mode (nothing for group and others) 0700, as the directory of a private file should be.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = dirname(path);
  const mode = options.mode ?? 0o644;
  await makeDirs(dir, isGroupOrOtherAccessible(mode) ? 0o755 : PRIVATE_DIR_MODE);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    // open() applies the umask; the mode the caller asked for is the contract.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Whether something (a file, a directory, a symlink even if dangling) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
