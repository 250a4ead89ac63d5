import { createHash, randomBytes } from 'node:crypto';
import {
  chmod,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  utimes,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathExists } from '../core/fs.ts';
import { publishedStamp } from './keys.repo.ts';
import { buildDirectory, type DirectoryDeps } from './directory.ts';
import { submissionAddress } from './submission-key.ts';
import { policyText } from './wkd.routes.ts';

/**
 * The Web Key Directory as files (issue 15), for nginx to serve instead of treff: both methods'
 * trees as treff's own route answers them, from the same database rows and with the same rules
 * (only keys of active members with active accounts, nothing expired):
 *
 *   EXPORT/current -> tree-DIGEST                    (a symlink, swapped by rename)
 *   EXPORT/tree-DIGEST/.well-known/openpgpkey/policy
 *                                     /submission-address          (with WKS on)
 *                                     /hu/HASH
 *                                     /DOMAIN/{policy,submission-address,hu/HASH}
 *
 * A new tree is written and fsynced beside the old one, then `current` is pointed at it with one
 * rename, so nginx sees the old tree or the new one, never half of one. The previous tree is
 * kept (a request may have resolved a path in it a moment ago); older ones are removed. DIGEST
 * is a hash of the content, so an unchanged directory is not rewritten. Directories are 0711:
 * nginx may open a file whose name it knows but cannot list the hashes; files are 0644 (public
 * keys; nothing else is in the tree).
 */

/** The file nginx's root points into. */
export const CURRENT_LINK = 'current';
const DIR_MODE = 0o711;
const FILE_MODE = 0o644;
const WELL_KNOWN = '.well-known/openpgpkey';

/** Every file of the export: path relative to the tree root → content. */
export type ExportFiles = Map<string, Uint8Array>;

/** The files the export must hold now, and when the next served key expires (ms, or null). */
export async function exportFiles(
  deps: DirectoryDeps,
): Promise<{ files: ExportFiles; nextExpiry: number | null }> {
  const domain = deps.config.services.wkd?.domain;
  const files: ExportFiles = new Map();
  if (!domain) return { files, nextExpiry: null };
  const encoder = new TextEncoder();
  const { map } = await buildDirectory(deps);
  const now = deps.clock.now().getTime();
  const submission = submissionAddress(deps.config);
  let nextExpiry: number | null = null;
  const policy = encoder.encode(policyText(deps.config));
  const submissionFile = submission ? encoder.encode(`${submission}\n`) : null;
  for (const base of [WELL_KNOWN, `${WELL_KNOWN}/${domain}`]) {
    files.set(`${base}/policy`, policy);
    if (submissionFile) files.set(`${base}/submission-address`, submissionFile);
    for (const [hash, entry] of map) {
      // The route stops serving a key the moment it expires; so does the export.
      if (entry.expiresAt !== null && entry.expiresAt <= now) continue;
      if (entry.expiresAt !== null) nextExpiry = Math.min(nextExpiry ?? Infinity, entry.expiresAt);
      files.set(`${base}/hu/${hash}`, entry.body);
    }
  }
  return { files, nextExpiry };
}

function digestOf(files: ExportFiles): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    const body = files.get(path) ?? new Uint8Array();
    hash.update(`${path}\0${body.length}\0`).update(body);
  }
  return hash.digest('hex').slice(0, 20);
}

async function writeSynced(path: string, body: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.chmod(FILE_MODE);
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `files` under `root` (which must not exist); the advanced tree's keys are hard links. */
async function writeTree(root: string, files: ExportFiles): Promise<void> {
  const written = new Map<Uint8Array, string>();
  const dirs = new Set<string>();
  for (const [path, body] of files) {
    const target = join(root, path);
    const dir = dirname(target);
    if (!dirs.has(dir)) {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      dirs.add(dir);
    }
    const same = written.get(body);
    if (same) await link(same, target);
    else {
      await writeSynced(target, body);
      written.set(body, target);
    }
  }
  // mkdir applies the umask; the mode is the contract.
  for (const dir of [root, ...dirs]) {
    for (let at = dir; at.startsWith(root); at = dirname(at)) {
      await chmod(at, DIR_MODE);
      if (at === root) break;
    }
  }
  for (const dir of dirs) await syncDir(dir);
}

async function currentTree(exportDir: string): Promise<string | null> {
  try {
    return await readlink(join(exportDir, CURRENT_LINK));
  } catch {
    return null;
  }
}

/** What one export did. */
export interface ExportReport {
  dir: string;
  changed: boolean;
  files: number;
  nextExpiry: number | null;
}

/**
 * Writes the export into `services.wkd.exportDir` if it differs from what is there (see the
 * module comment). Without an export dir, does nothing and returns null.
 */
export async function writeWkdExport(deps: DirectoryDeps): Promise<ExportReport | null> {
  const exportDir = deps.config.services.wkd?.exportDir;
  if (!exportDir) return null;
  const { files, nextExpiry } = await exportFiles(deps);
  const name = `tree-${digestOf(files)}`;
  await mkdir(exportDir, { recursive: true, mode: DIR_MODE });
  await chmod(exportDir, DIR_MODE);
  const previous = await currentTree(exportDir);
  const report = { dir: exportDir, files: files.size, nextExpiry };
  if (previous === name && (await pathExists(join(exportDir, name))))
    return { ...report, changed: false };

  const tree = join(exportDir, name);
  if (await pathExists(tree)) {
    // The same content as a tree kept from before: reuse it, marked as new for the clean-up.
    const now = new Date();
    await utimes(tree, now, now);
  } else {
    const temp = join(exportDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await writeTree(temp, files);
      await rename(temp, tree);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
  const link = join(exportDir, `.current-${randomBytes(6).toString('hex')}`);
  await symlink(name, link);
  await rename(link, join(exportDir, CURRENT_LINK));
  await syncDir(exportDir);
  await removeOldTrees(exportDir, new Set([name, previous ?? '']));
  return { ...report, changed: true };
}

/** Removes trees and leftovers of interrupted exports, except those in `keep`. */
async function removeOldTrees(exportDir: string, keep: ReadonlySet<string>): Promise<void> {
  const hour = Date.now() - 3_600_000;
  for (const entry of await readdir(exportDir)) {
    if (keep.has(entry) || entry === CURRENT_LINK) continue;
    const path = join(exportDir, entry);
    if (entry.startsWith('tree-')) await rm(path, { recursive: true, force: true });
    else if (entry.startsWith('.tmp-') || entry.startsWith('.current-')) {
      // Another export may be writing it right now: only what is an hour old goes.
      const info = await lstat(path).catch(() => null);
      if (info && info.mtimeMs < hour) await rm(path, { recursive: true, force: true });
    }
  }
}

/** How the export differs from the database: paths relative to the tree root. */
export interface ExportComparison {
  dir: string;
  /** Whether `current` points at a tree. */
  present: boolean;
  missing: string[];
  stale: string[];
  extra: string[];
  /** Directories or files whose mode is not the export's (0711, 0644), and ancestors nginx cannot enter. */
  modes: string[];
}

async function listTree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(root, path)));
    else out.push(path);
  }
  return out;
}

async function modeProblems(exportDir: string, root: string, paths: string[]): Promise<string[]> {
  const problems: string[] = [];
  // nginx's workers (www-data) must enter every directory up to the tree.
  for (let at = exportDir; ; at = dirname(at)) {
    const info = await stat(at).catch(() => null);
    if (info && (info.mode & 0o001) === 0)
      problems.push(`${at} (mode ${(info.mode & 0o777).toString(8)}: nginx cannot enter it)`);
    if (dirname(at) === at) break;
  }
  const dirs = new Set<string>(['.']);
  for (const path of paths) {
    for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) dirs.add(dir);
    const info = await stat(join(root, path));
    if ((info.mode & 0o777) !== FILE_MODE)
      problems.push(`${path} (mode ${(info.mode & 0o777).toString(8)}, expected 644)`);
  }
  for (const dir of dirs) {
    const info = await stat(join(root, dir));
    if ((info.mode & 0o777) !== DIR_MODE)
      problems.push(`${dir}/ (mode ${(info.mode & 0o777).toString(8)}, expected 711)`);
  }
  return problems;
}

/**
 * Compares the export on disk with what the database says it must hold (`treff doctor`). The
 * tree is the one `current` names when the comparison starts (resolved once), so a swap by the
 * exporter meanwhile does not mix two trees; if that tree is deleted under the comparison (two
 * swaps in between), it starts again on the new one.
 */
export async function compareWkdExport(deps: DirectoryDeps): Promise<ExportComparison | null> {
  const exportDir = deps.config.services.wkd?.exportDir;
  if (!exportDir) return null;
  for (let attempt = 0; ; attempt++) {
    try {
      return await compareWithTree(deps, exportDir);
    } catch (error) {
      if (attempt >= 2 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function compareWithTree(deps: DirectoryDeps, exportDir: string): Promise<ExportComparison> {
  const { files } = await exportFiles(deps);
  const result: ExportComparison = {
    dir: exportDir,
    present: false,
    missing: [],
    stale: [],
    extra: [],
    modes: [],
  };
  let root: string;
  let onDisk: string[];
  try {
    root = await realpath(join(exportDir, CURRENT_LINK));
    onDisk = await listTree(root);
    result.present = true;
  } catch {
    result.missing = [...files.keys()].sort();
    return result;
  }
  const seen = new Set(onDisk);
  for (const [path, body] of files) {
    if (!seen.has(path)) result.missing.push(path);
    else if (!Buffer.from(body).equals(await readFile(join(root, path)))) result.stale.push(path);
  }
  result.extra = onDisk.filter((path) => !files.has(path));
  result.modes = await modeProblems(exportDir, root, onDisk);
  result.missing.sort();
  result.stale.sort();
  result.extra.sort();
  return result;
}

/** In-process notice of a change to the published keys (keys.service), for the exporter. */
const listeners = new Set<() => void>();

/** Tells this process's exporter (if one runs) that the published keys changed. */
export function keysChanged(): void {
  for (const listener of listeners) listener();
}

/**
 * Keeps the export in step while `treff serve` runs: once at start (awaited, so a failure shows
 * at once), at once after every change in this process (publication, removal, WKS
 * confirmation, the removal job), within `pollMs` after a change by another process (the CLI,
 * a restore: a cheap stamp of the table), in full every `rebuildMs` (a member who left or an
 * account that was disabled drops out, as on treff's own route), and when a served key
 * expires. Exports never overlap. Returns the stop function (it waits for a running export);
 * null without an export dir.
 */
export async function startWkdExport(
  deps: DirectoryDeps,
  options: { pollMs?: number; rebuildMs?: number } = {},
): Promise<(() => Promise<void>) | null> {
  if (!deps.config.services.wkd?.exportDir) return null;
  const pollMs = options.pollMs ?? 1000;
  const rebuildMs = options.rebuildMs ?? 60_000;
  let stamp = await publishedStamp(deps.db);
  let report = await writeWkdExport(deps);
  let builtAt = Date.now();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const exportNow = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        stamp = await publishedStamp(deps.db);
        report = await writeWkdExport(deps);
        builtAt = Date.now();
      } catch (error) {
        deps.log.error({ err: error }, 'wkd: could not write the export');
      }
    })().finally(() => {
      running = null;
      if (again) {
        again = false;
        exportNow();
      }
    });
  };
  const tick = async (): Promise<void> => {
    if (running) return;
    const due =
      Date.now() - builtAt >= rebuildMs ||
      (report?.nextExpiry != null && report.nextExpiry <= deps.clock.now().getTime());
    try {
      if (due || (await publishedStamp(deps.db)) !== stamp) exportNow();
    } catch (error) {
      deps.log.error({ err: error }, 'wkd: could not check the published keys');
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  timer.unref();
  listeners.add(exportNow);
  return async () => {
    stopped = true;
    clearInterval(timer);
    listeners.delete(exportNow);
    await running;
  };
}
