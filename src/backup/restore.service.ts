import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { replayAccountDeletion } from '../accounts/index.ts';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import type { Config } from '../core/config/load.ts';
import type { Deps } from '../core/deps.ts';
import type { ErasureKind, JournalEntry } from '../core/erasure-journal.ts';
import { AppError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import { replayKeyRemoval } from '../keys/index.ts';
import { replayAuditAnonymisation, replayMemberErasure } from '../members/index.ts';
import { runRetention, type JobOutcome } from '../retention/index.ts';
import { countPeople, currentSchema, replaceWithDump, tablesOf } from './backup.repo.ts';
import { entriesSince, openBackup, readBackupSecretKey } from './backup.service.ts';

/**
 * `treff restore`: puts a backup back and then carries out again every erasure the erasure
 * journal recorded since the backup (member erasure stages, account deletions, key removals),
 * then runs the retention engine once, all before any server or projection sees the data.
 */

/** A runtime the restore can open and close (the composition root builds it). */
export type OpenRuntime = () => Promise<Deps & { close(): Promise<void> }>;

/** What a restore did: counts by kind, never whose. */
export interface RestoreReport {
  createdAt: string;
  /** Journal entries looked at, and how many of them changed the restored data, by kind. */
  entries: number;
  replayed: Record<ErasureKind, number>;
  retention: JobOutcome[];
}

/** Whether something accepts TCP connections on `host:port` (a running `treff serve`). */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1000, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/**
 * Carries out one journal entry again on the restored database.
 * Returns whether it changed anything (false: the backup did not hold it any more).
 */
async function replay(deps: Deps, actor: Actor, entry: JournalEntry): Promise<boolean> {
  switch (entry.kind) {
    case 'members.fields':
    case 'members.final':
      return replayMemberErasure(deps, actor, entry);
    case 'members.audit':
      return replayAuditAnonymisation(deps, actor, entry);
    case 'accounts.account':
      return replayAccountDeletion(deps, actor, entry);
    case 'keys.key':
      return replayKeyRemoval(deps, actor, entry);
  }
}

/**
 * Restores `file` into the configured database and replays the erasure journal.
 * Refuses while a `treff serve` of this declaration answers on its ports, when the backup is
 * of the other database kind, and when the database already holds members, accounts or
 * logins (unless `force`).
 * @throws ValidationError of {@link openBackup} and {@link readBackupSecretKey};
 * AppError `restore_server_running`, `restore_not_empty`, `restore_dialect_mismatch`,
 * `restore_schema_mismatch`, `backup_tool_failed`.
 */
export async function restoreBackup(
  config: Config,
  open: OpenRuntime,
  options: {
    file: string;
    keyFile: string;
    passphrase?: string | undefined;
    force: boolean;
    actor: Actor;
    /** Where the retention engine looks for files (`/` in production). */
    root: string;
  },
): Promise<RestoreReport> {
  const key = await readBackupSecretKey(options.keyFile, options.passphrase);
  const { manifest, payload } = await openBackup(options.file, key);
  const dialect = config.database.url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  if (manifest.dialect !== dialect)
    throw new AppError(
      'validation',
      'restore_dialect_mismatch',
      `${options.file} is a ${manifest.dialect} backup, but database.url is ${dialect}`,
    );
  for (const [host, port] of [
    [config.web.host, config.web.port],
    ['127.0.0.1', config.web.internalPort],
  ] as const) {
    if (await answers(host, port))
      throw new AppError(
        'conflict',
        'restore_server_running',
        `something answers on ${host}:${port}: stop treff serve before restoring`,
      );
  }

  const before = await open();
  let entries: JournalEntry[];
  try {
    // Read first: an unreadable journal stops the restore before the database changes.
    entries = await entriesSince(before.journal, manifest);
    if (!options.force && (await countPeople(before.db)) > 0)
      throw new AppError(
        'conflict',
        'restore_not_empty',
        'the database holds members, accounts or logins: give --force to replace them',
      );
    if (dialect === 'postgres') {
      const schema = await currentSchema(before.db);
      if (manifest.schema !== schema)
        throw new AppError(
          'validation',
          'restore_schema_mismatch',
          `${options.file} holds the tables of schema ${manifest.schema ?? '?'}, but treff uses ${schema}`,
        );
      await replaceWithDump(
        config.database.url,
        schema,
        await tablesOf(before.db, schema),
        payload,
      );
    }
  } finally {
    await before.close();
  }
  if (dialect === 'sqlite') {
    const path = config.database.url.slice('sqlite:'.length);
    // A WAL left beside the new file would be applied to it: it belongs to the old database.
    await rm(`${path}-wal`, { force: true });
    await rm(`${path}-shm`, { force: true });
    await writeFileAtomic(path, payload, { mode: 0o600 });
  }

  // Opening migrates a backup of an older version forward before the replay.
  const runtime = await open();
  try {
    const replayed: Record<ErasureKind, number> = {
      'members.fields': 0,
      'members.final': 0,
      'members.audit': 0,
      'accounts.account': 0,
      'keys.key': 0,
    };
    for (const entry of entries) {
      if (await replay(runtime, options.actor, entry)) replayed[entry.kind]++;
    }
    // The restore itself is a change of personal data: recorded after the replay, with the
    // kinds replayed as its fields (names, never whose).
    await recordAudit(runtime.db, runtime.clock.now(), options.actor, {
      event: 'backup.backup.restored',
      fields: Object.entries(replayed)
        .filter(([, count]) => count > 0)
        .map(([kind]) => kind),
    });
    // Time-based rules that came due since the backup; the run also truncates the WAL and
    // vacuums, so the replayed erasures leave no bytes behind.
    const retention = await runRetention(runtime, {
      dryRun: false,
      actor: options.actor,
      root: options.root,
    });
    return { createdAt: manifest.createdAt, entries: entries.length, replayed, retention };
  } finally {
    await runtime.close();
  }
}
