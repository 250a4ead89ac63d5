import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { PrivateKey, PublicKey } from 'openpgp';
import { z } from 'zod';
import type { Config } from '../core/config/load.ts';
import type { Deps } from '../core/deps.ts';
import { subtractDuration, parseDuration } from '../core/duration.ts';
import type { ErasureJournal } from '../core/erasure-journal.ts';
import { ValidationError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import { copySqlite, currentSchema, dumpPostgres } from './backup.repo.ts';

/**
 * `treff backup`: a consistent copy of the database (SQLite `VACUUM INTO`, PostgreSQL
 * `pg_dump`), encrypted with OpenPGP to the declared public key, written 0600 into the
 * declared directory (0700); backups older than the declared `keep` are deleted in the same
 * run. Each backup carries the erasure journal's position, so `treff restore` knows which
 * erasures to carry out again.
 */

/** The first line of every decrypted backup. */
const MAGIC = 'TREFF-BACKUP 1\n';

/** What a backup says about itself (inside the encryption). */
export const BackupManifest = z.strictObject({
  dialect: z.enum(['sqlite', 'postgres']),
  /** When the copy was taken (the clock of the installation). */
  createdAt: z.iso.datetime(),
  /** The erasure journal's last sequence number before the copy was taken. */
  journalSeq: z.int().min(0),
  /** PostgreSQL: the schema the dumped tables belong to. */
  schema: z.string().optional(),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Backup files are named by the time they were taken: `treff-backup-20260301T100000Z.pgp`. */
const NAME = /^treff-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?\.pgp$/;

function fileName(at: Date, attempt: number): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(/[-:]/g, '');
  return `treff-backup-${stamp}${attempt > 0 ? `-${attempt}` : ''}.pgp`;
}

function takenAt(name: string): Date | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/** The declaration's backup block, or a clear error. */
export function backupSettings(config: Config): NonNullable<Config['backup']> {
  if (!config.backup)
    throw new ValidationError(
      'backup_not_configured',
      `${config.file} has no backup block (backup: { dir, encryptTo, keep })`,
    );
  return config.backup;
}

/** Reads a file the CLI or the declaration names, with an error that says which and why. */
async function readNamed(path: string, what: string, code: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ValidationError(code, `Cannot read ${what} ${path}: ${reason}`);
  }
}

function isArmored(bytes: Buffer): boolean {
  return bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP');
}

/**
 * Reads the public key backups are encrypted to (armored or binary).
 * @throws ValidationError `backup_key_missing`, `backup_key_invalid`.
 */
export async function readBackupPublicKey(path: string): Promise<PublicKey> {
  const bytes = await readNamed(path, 'the backup key', 'backup_key_missing');
  const openpgp = await import('openpgp');
  try {
    const key = isArmored(bytes)
      ? await openpgp.readKey({ armoredKey: bytes.toString('utf8') })
      : await openpgp.readKey({ binaryKey: bytes });
    return key.toPublic();
  } catch (error) {
    throw new ValidationError(
      'backup_key_invalid',
      `${path} holds no OpenPGP public key: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What one run of `treff backup` did. */
export interface BackupReport {
  file: string;
  bytes: number;
  createdAt: string;
  /** Backups older than `keep` that were deleted. */
  pruned: string[];
}

/**
 * Takes an encrypted backup and deletes the backups older than `backup.keep` (by the time in
 * their name, so the clock decides, not the file system). Nothing is written unencrypted into
 * the backup directory: a SQLite copy is made in a private temporary directory (0700) in the
 * data dir and removed after encryption.
 * @throws ValidationError `backup_not_configured`, `backup_key_missing`, `backup_key_invalid`;
 * AppError `backup_tool_failed` / `backup_tool_missing` when pg_dump fails or is absent.
 */
export async function createBackup(
  deps: Pick<Deps, 'config' | 'db' | 'dialect' | 'clock' | 'journal'>,
): Promise<BackupReport> {
  const settings = backupSettings(deps.config);
  const key = await readBackupPublicKey(resolve(dirname(deps.config.file), settings.encryptTo));
  const keep = parseDuration(settings.keep);
  if (!keep) throw new ValidationError('backup_keep_invalid', 'backup.keep is not a duration');
  const createdAt = deps.clock.now();
  // Read before the copy: an erasure that commits while the copy is taken is replayed too.
  const journalSeq = await deps.journal.lastSeq();
  let payload: Buffer;
  let schema: string | undefined;
  if (deps.dialect === 'sqlite') {
    // Beside the database, which holds the same bytes already: the plain copy never lands on
    // another file system (a shared /tmp).
    await mkdir(deps.config.paths.dataDir, { recursive: true });
    const work = await mkdtemp(join(deps.config.paths.dataDir, '.backup-'));
    try {
      const copy = join(work, 'treff.db');
      await copySqlite(deps.db, copy);
      payload = await readFile(copy);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } else {
    schema = await currentSchema(deps.db);
    payload = await dumpPostgres(deps.config.database.url, schema);
  }
  const manifest: BackupManifest = {
    dialect: deps.dialect,
    createdAt: createdAt.toISOString(),
    journalSeq,
    ...(schema ? { schema } : {}),
  };
  const plain = Buffer.concat([
    Buffer.from(`${MAGIC}${JSON.stringify(manifest)}\n`, 'utf8'),
    payload,
  ]);
  const encrypted = await encryptBinary(plain, key, createdAt);
  await mkdir(settings.dir, { recursive: true, mode: 0o700 });
  await chmod(settings.dir, 0o700);
  let attempt = 0;
  let file = join(settings.dir, fileName(createdAt, attempt));
  while (await exists(file)) file = join(settings.dir, fileName(createdAt, ++attempt));
  await writeFileAtomic(file, encrypted, { mode: 0o600 });
  const pruned = await pruneBackups(settings.dir, subtractDuration(createdAt, keep));
  return { file, bytes: encrypted.length, createdAt: manifest.createdAt, pruned };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Deletes the backups in `dir` taken before `before`; returns their names. Idempotent. */
export async function pruneBackups(dir: string, before: Date): Promise<string[]> {
  const pruned: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const at = takenAt(name);
    if (at && at.getTime() < before.getTime()) {
      await rm(join(dir, name), { force: true });
      pruned.push(name);
    }
  }
  return pruned;
}

async function encryptBinary(data: Uint8Array, key: PublicKey, now: Date): Promise<Uint8Array> {
  const openpgp = await import('openpgp');
  try {
    const result: unknown = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: data }),
      encryptionKeys: key,
      date: now,
      format: 'binary',
    });
    if (!(result instanceof Uint8Array)) throw new Error('OpenPGP.js returned no binary message');
    return result;
  } catch (error) {
    throw new ValidationError(
      'backup_key_invalid',
      `The backup key cannot encrypt: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A decrypted backup. */
export interface OpenedBackup {
  manifest: BackupManifest;
  payload: Buffer;
}

/**
 * Reads the secret key for restoring (armored or binary), unlocked with `passphrase` if it has one.
 * @throws ValidationError `backup_key_missing`, `backup_key_invalid`, `backup_key_locked`.
 */
export async function readBackupSecretKey(path: string, passphrase?: string): Promise<PrivateKey> {
  const bytes = await readNamed(path, 'the secret key', 'backup_key_missing');
  const openpgp = await import('openpgp');
  let key: PrivateKey;
  try {
    key = isArmored(bytes)
      ? await openpgp.readPrivateKey({ armoredKey: bytes.toString('utf8') })
      : await openpgp.readPrivateKey({ binaryKey: bytes });
  } catch (error) {
    throw new ValidationError(
      'backup_key_invalid',
      `${path} holds no OpenPGP secret key: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined)
    throw new ValidationError(
      'backup_key_locked',
      `${path} is protected by a passphrase: give --passphrase-file`,
    );
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch {
    throw new ValidationError('backup_key_locked', `The passphrase does not unlock ${path}`);
  }
}

/**
 * Decrypts and checks a backup file.
 * @throws ValidationError `backup_file_missing`, `backup_wrong_key` (not encrypted to this
 * key), `backup_corrupt` (damaged, or not a treff backup).
 */
export async function openBackup(file: string, key: PrivateKey): Promise<OpenedBackup> {
  const bytes = await readNamed(file, 'the backup', 'backup_file_missing');
  const openpgp = await import('openpgp');
  let message;
  try {
    message = await openpgp.readMessage({ binaryMessage: bytes });
  } catch {
    throw new ValidationError('backup_corrupt', `${file} is not an OpenPGP message (damaged?)`);
  }
  const recipients = message.getEncryptionKeyIDs().map((id) => id.toHex());
  const ours = key.getKeys().map((subkey) => subkey.getKeyID().toHex());
  if (!recipients.some((id) => ours.includes(id)))
    throw new ValidationError(
      'backup_wrong_key',
      `${file} is not encrypted to this key (it is for key id ${recipients.join(', ') || 'none'})`,
    );
  let data: unknown;
  try {
    const result: { data: unknown } = await openpgp.decrypt({
      message,
      decryptionKeys: key,
      format: 'binary',
    });
    data = result.data;
  } catch (error) {
    throw new ValidationError(
      'backup_corrupt',
      `${file} cannot be decrypted (damaged?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!(data instanceof Uint8Array))
    throw new ValidationError('backup_corrupt', `${file} holds no data`);
  const plain = Buffer.from(data);
  const end = plain.indexOf(0x0a, MAGIC.length);
  if (!plain.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)) || end < 0)
    throw new ValidationError('backup_corrupt', `${file} is not a treff backup`);
  let manifest: BackupManifest;
  try {
    manifest = BackupManifest.parse(JSON.parse(plain.subarray(MAGIC.length, end).toString('utf8')));
  } catch {
    throw new ValidationError('backup_corrupt', `${file} has an unreadable manifest`);
  }
  return { manifest, payload: plain.subarray(end + 1) };
}

/** How long before a backup's time an erasure may have begun without being in the copy. */
const IN_FLIGHT_MS = 5 * 60_000;

/**
 * The journal entries a restored backup lacks: every entry after its position, and, because an
 * entry is written just before its transaction commits, those of the minutes before the copy.
 * Replaying an entry twice does nothing, so the overlap is safe.
 */
export async function entriesSince(
  journal: ErasureJournal,
  manifest: BackupManifest,
): Promise<Awaited<ReturnType<ErasureJournal['read']>>> {
  const from = new Date(manifest.createdAt).getTime() - IN_FLIGHT_MS;
  return (await journal.read()).filter(
    (entry) => entry.seq > manifest.journalSeq || new Date(entry.at).getTime() >= from,
  );
}
