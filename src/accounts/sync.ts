import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { ConflictError } from '../core/errors.ts';
import { makeDirs, pathExists, writeFileAtomic } from '../core/fs.ts';
import { clubToday } from '../members/index.ts';
import {
  completeDeletion,
  listAccountsForProjection,
  listPendingDeletions,
} from './accounts.repo.ts';
import { reconcileAccounts, type AccountDeps } from './accounts.service.ts';
import {
  buildProjection,
  PATHS,
  PROJECTION_DIRS,
  prosodyEncode,
  type ProjectedFile,
} from './projections.ts';

const run = promisify(execFile);

/** What one sync did (counts and paths, never personal data besides usernames in paths). */
export interface SyncReport {
  written: string[];
  unchanged: number;
  homesCreated: string[];
  accountsDisabled: number;
  accountsDeleted: number;
  deletionsCarriedOut: number;
  warnings: string[];
}

/**
 * The secret Prosody presents to treff's internal endpoint, derived from the installation secret
 * so that the unprivileged server and the root sync agree without another file to share.
 */
export function xmppAuthSecret(secret: Buffer): string {
  return createHmac('sha256', secret).update('treff xmpp auth').digest('hex');
}

function groupIds(): Map<string, number> {
  const ids = new Map<string, number>([['root', 0]]);
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , gid] = line.split(':');
      if (name && gid) ids.set(name, Number(gid));
    }
  } catch {
    // Without /etc/group every projection stays root-owned.
  }
  return ids;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function takeLock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readOrNull(path));
      let alive: boolean;
      try {
        process.kill(pid, 0);
        alive = Number.isInteger(pid) && pid > 0;
      } catch {
        alive = false;
      }
      if (alive)
        throw new ConflictError('sync_running', `Another treff sync (pid ${pid}) is running.`);
      await unlink(path).catch(() => undefined);
    }
  }
  throw new ConflictError('sync_running', 'Could not take the sync lock.');
}

/**
 * Rebuilds every projection under `root` from the database (run as root; `--root DIR` for
 * tests). Idempotent: a file is rewritten only when its content changed, and every write is
 * atomic (temp file, fsync, rename), so a daemon never reads half a file. Postfix tables are
 * indexed with `postmap` before they are renamed into place, so Postfix sees the new table
 * without a reload; Dovecot and Prosody re-read theirs on the next lookup. Also keeps accounts
 * in step with memberships and carries out queued deletions (home with mailbox, XMPP data).
 */
export async function runSync(
  deps: AccountDeps & Pick<Deps, 'journal'> & { secret: Buffer },
  options: { root: string },
): Promise<SyncReport> {
  const root = options.root;
  const release = await takeLock(join(root, 'var/lib/treff/sync.lock'));
  try {
    const report: SyncReport = {
      written: [],
      unchanged: 0,
      homesCreated: [],
      accountsDisabled: 0,
      accountsDeleted: 0,
      deletionsCarriedOut: 0,
      warnings: [],
    };
    const reconciled = await reconcileAccounts(deps, SYSTEM_ACTOR);
    report.accountsDisabled = reconciled.disabled;
    report.accountsDeleted = reconciled.deleted;
    const privileged = process.getuid?.() === 0;
    if (!privileged)
      report.warnings.push('not running as root: files keep the owner of this process');
    const gids = groupIds();
    const owner = async (path: string, uid: number, group: string | number) => {
      if (!privileged) return;
      const gid = typeof group === 'number' ? group : gids.get(group);
      if (gid === undefined)
        report.warnings.push(`group ${String(group)} does not exist; ${path} stays root-owned`);
      await chown(path, uid, gid ?? 0);
    };

    const rows = await listAccountsForProjection(deps.db);
    const projection = buildProjection(
      rows,
      deps.config,
      xmppAuthSecret(deps.secret),
      clubToday(deps),
    );
    report.warnings.push(
      ...projection.refused.map((reason) => `left out of the projections: ${reason}`),
    );
    const postmap = await findPostmap();
    const writeProjected = async (file: ProjectedFile) => {
      const target = join(root, file.path);
      const indexed = file.postmap === true && postmap !== null;
      if (
        (await readOrNull(target)) === file.content &&
        (!indexed || (await pathExists(`${target}.lmdb`)))
      ) {
        report.unchanged++;
        return;
      }
      // A missing folder opens to the daemons whatever the umask (treff-sync.service: 0077).
      await makeDirs(dirname(target), 0o755);
      if (indexed) {
        // Index the new table beside the old one, then move both into place.
        const fresh = `${target}.new`;
        await writeFileAtomic(fresh, file.content, { mode: file.mode });
        await run(postmap, [`lmdb:${fresh}`]);
        await rename(`${fresh}.lmdb`, `${target}.lmdb`);
        await rename(fresh, target);
      } else {
        await writeFileAtomic(target, file.content, { mode: file.mode });
        if (file.postmap) report.warnings.push(`postmap not found: ${file.path} is not indexed`);
      }
      await chmod(target, file.mode);
      await owner(target, 0, file.group);
      report.written.push(file.path);
    };
    for (const dir of PROJECTION_DIRS) {
      const path = join(root, dir.path);
      await makeDirs(path, dir.mode);
      // An existing folder too (one made 0700 by an older treff under UMask=0077).
      await chmod(path, dir.mode);
      await owner(path, 0, dir.group);
    }
    for (const file of projection.files) await writeProjected(file);

    // SSH keys: one file per shell account with keys; files of others are removed.
    const keysDir = join(root, PATHS.sshKeys);
    await mkdir(keysDir, { recursive: true, mode: 0o755 });
    await chmod(keysDir, 0o755);
    const wanted = new Set(projection.sshKeys.map((file) => file.path.split('/').pop()));
    for (const name of await readdir(keysDir)) {
      if (!wanted.has(name)) {
        await rm(join(keysDir, name), { force: true });
        report.written.push(`${PATHS.sshKeys}/${name} (removed)`);
      }
    }
    for (const file of projection.sshKeys) await writeProjected(file);

    // Homes, 0700, with a Maildir for LMTP delivery; an existing home is left as it is.
    // The parent first, world-searchable: a recursive mkdir would give it the home's 0700.
    await mkdir(join(root, PATHS.homes), { recursive: true, mode: 0o755 });
    for (const home of projection.homes) {
      const path = join(root, home.path);
      if (await pathExists(path)) continue;
      await mkdir(path, { mode: 0o700 });
      for (const sub of ['Maildir', 'Maildir/cur', 'Maildir/new', 'Maildir/tmp']) {
        await mkdir(join(path, sub), { mode: 0o700 });
        await owner(join(path, sub), home.uid, home.uid);
      }
      await chmod(path, 0o700);
      await owner(path, home.uid, home.uid);
      report.homesCreated.push(home.path);
    }

    for (const deletion of await listPendingDeletions(deps.db)) {
      await removeAccountFiles(root, deps.config, deletion, report);
      await completeDeletion(deps.db, deletion.id, deps.clock.now().toISOString());
      report.deletionsCarriedOut++;
    }
    return report;
  } finally {
    await release();
  }
}

async function findPostmap(): Promise<string | null> {
  for (const candidate of ['/usr/sbin/postmap', '/usr/bin/postmap'])
    if (await pathExists(candidate)) return candidate;
  return null;
}

async function removeAccountFiles(
  root: string,
  config: AccountDeps['config'],
  deletion: { uid: number; username: string },
  report: SyncReport,
): Promise<void> {
  const home = join(root, PATHS.homes, deletion.username);
  try {
    const info = await stat(home);
    // Only the home this account owned: never a directory someone else got meanwhile.
    if (info.uid === deletion.uid || process.getuid?.() !== 0)
      await rm(home, { recursive: true, force: true });
    else
      report.warnings.push(
        `${PATHS.homes}/${deletion.username} belongs to uid ${info.uid}, not ${deletion.uid}: left in place`,
      );
  } catch {
    // No home: nothing to remove.
  }
  const xmppHost = config.services.xmpp?.domain;
  if (!xmppHost) return;
  const hostDir = join(root, PATHS.prosodyData, prosodyEncode(xmppHost));
  let stores: string[];
  try {
    stores = await readdir(hostDir);
  } catch {
    return;
  }
  const user = prosodyEncode(deletion.username);
  for (const store of stores) {
    for (const suffix of ['.dat', '.list', '.lidx'])
      await rm(join(hostDir, store, `${user}${suffix}`), { force: true });
  }
}
