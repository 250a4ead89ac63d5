import { createHash, randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PublicKey } from 'openpgp';
import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { loadSigningKey, loadSigningPublicKey, signingAddress } from '../keys/index.ts';
import { readPublicKey, signDetached, verifyDetached } from './pgp.ts';

/**
 * The daily signed statement (issue 13 part 3): once a day treff writes the public figures as
 * canonical JSON (object keys sorted at every depth, two-space indentation, a final newline)
 * to `DATA_DIR/transparency/statements/YYYY-MM-DD.json`, with `previous` = the SHA-256 (hex) of
 * the bytes of the newest earlier statement file, so the series is a hash chain; and signs the
 * file's bytes with the club's signing key into `YYYY-MM-DD.json.asc`, a detached armored
 * signature. Detached rather than clear-signed: the JSON file is byte for byte what is signed
 * and what the next statement hashes (a clear-signed text is dash-escaped and has its trailing
 * whitespace and line endings canonicalised before signing), `jq` reads it as it is, and
 * `gpg --verify FILE.json.asc FILE.json` checks it with stock GnuPG.
 */

/** A statement's fixed fields around the figures. */
export interface Statement {
  /** Format version of the statement. */
  version: 1;
  club: string;
  /** The day it covers, `YYYY-MM-DD` in the club's time zone. */
  date: string;
  /** When it was written (ISO instant). */
  issuedAt: string;
  /** The declared signing address and the fingerprint of its key. */
  signer: { address: string; fingerprint: string };
  /** SHA-256 (hex) of the previous statement file's bytes, or null for the first one. */
  previous: string | null;
  figures: unknown;
}

/** Stable codes of a statement that fails its check. */
export const STATEMENT_ERROR_CODES = [
  'statement_not_configured',
  'statement_missing',
  'statement_unsigned',
  'statement_bad_signature',
  'statement_invalid',
  'statement_chain_broken',
] as const;
export type StatementErrorCode = (typeof STATEMENT_ERROR_CODES)[number];

/** A statement (or chain) that does not verify; the message names the file and the link. */
export class StatementError extends AppError {
  constructor(code: StatementErrorCode, message: string) {
    super('validation', code, message);
    this.name = 'StatementError';
  }
}

const FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

/** The folder of the statements. */
export function statementsDir(config: Deps['config']): string {
  return join(config.paths.dataDir, 'transparency', 'statements');
}

/** JSON with sorted keys at every depth, indented by two spaces, ending in a newline. */
export function canonicalStatementJson(value: unknown): string {
  const sorted = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item === null || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, member]) => [key, sorted(member)]),
    );
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** SHA-256 (hex) of a file's bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The dates of the stored statements, oldest first. */
export async function listStatementDates(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => FILE.exec(name)?.[1])
    .filter((date): date is string => date !== undefined)
    .sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Creates `path` unless it exists; false when another writer was first. */
async function createExclusive(path: string, data: string): Promise<boolean> {
  await ensurePrivateDir(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // Durable before it becomes visible: a statement is the next one's link in the chain.
  const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** What {@link writeDailyStatement} did. */
export interface WrittenStatement {
  date: string;
  path: string;
  /** False when today's statement existed already (then only a missing signature is added). */
  created: boolean;
}

/**
 * Writes and signs today's statement unless it exists. Idempotent per day: a second call on
 * the same day changes nothing (it only signs a statement whose signature a crash left
 * unwritten). Safe against a concurrent writer: the first file wins.
 * @throws StatementError `statement_not_configured` without `transparency.signingAddress`.
 */
export async function writeDailyStatement(
  deps: Pick<Deps, 'config' | 'clock' | 'secret'>,
  figures: () => Promise<unknown>,
): Promise<WrittenStatement> {
  if (!signingAddress(deps.config))
    throw new StatementError(
      'statement_not_configured',
      'The declaration has no transparency.signingAddress.',
    );
  const now = deps.clock.now();
  const date = localDate(now, deps.config.club.timeZone);
  const dir = statementsDir(deps.config);
  const path = join(dir, `${date}.json`);
  // The hourly check usually finds today's statement signed: then the key (and OpenPGP.js, and
  // the 32 MiB its passphrase derivation allocates) is not loaded at all.
  const written = await exists(path);
  if (written && (await exists(`${path}.asc`))) return { date, path, created: false };
  const key = await loadSigningKey(deps);
  if (!key) throw new Error('the signing address has no key'); // unreachable: checked above
  let created = false;
  if (!written) {
    const earlier = (await listStatementDates(dir)).filter((day) => day < date).at(-1);
    const previous = earlier ? sha256Hex(await readFile(join(dir, `${earlier}.json`))) : null;
    const statement: Statement = {
      version: 1,
      club: deps.config.club.name,
      date,
      issuedAt: now.toISOString(),
      signer: { address: key.address, fingerprint: key.fingerprint },
      previous,
      figures: await figures(),
    };
    created = await createExclusive(path, canonicalStatementJson(statement));
  }
  if (!(await exists(`${path}.asc`))) {
    const bytes = new Uint8Array(await readFile(path));
    // Never date a signature before the key exists (a clock set back).
    const at = new Date(Math.max(now.getTime(), key.privateKey.getCreationTime().getTime()));
    await writeFileAtomic(`${path}.asc`, await signDetached(bytes, key.privateKey, at), {
      mode: PRIVATE_FILE_MODE,
    });
  }
  return { date, path, created };
}

/** One verified statement. */
export interface VerifiedStatement {
  date: string;
  sha256: string;
  previous: string | null;
}

/** The result of {@link verifyStatements}. */
export interface ChainReport {
  fingerprint: string;
  statements: VerifiedStatement[];
}

async function verifyOne(
  dir: string,
  date: string,
  key: PublicKey,
): Promise<{ statement: VerifiedStatement; bytes: Uint8Array }> {
  const name = `${date}.json`;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(join(dir, name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StatementError('statement_missing', `${name}: no such statement`);
    throw error;
  }
  let signature: string;
  try {
    signature = await readFile(join(dir, `${name}.asc`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StatementError(
        'statement_unsigned',
        `${name}: the signature ${name}.asc is missing`,
      );
    throw error;
  }
  if (!(await verifyDetached(bytes, signature, key)))
    throw new StatementError(
      'statement_bad_signature',
      `${name}: BAD signature (not made by ${key.getFingerprint().toUpperCase()} over these bytes)`,
    );
  let parsed: Partial<Statement>;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Statement>;
  } catch {
    throw new StatementError('statement_invalid', `${name}: not JSON`);
  }
  const previous = parsed.previous;
  if (parsed.date !== date || !(previous === null || typeof previous === 'string'))
    throw new StatementError('statement_invalid', `${name}: its date or previous field is wrong`);
  return { statement: { date, sha256: sha256Hex(bytes), previous }, bytes };
}

/**
 * Verifies statements against `key` (default: the club's own signing key): with `only`, that
 * one statement and its link to the statement before it when that is in the same folder;
 * otherwise every statement in `dir` and the whole chain (the first one's `previous` is null,
 * each later one's is the SHA-256 of the file before it).
 * @throws StatementError naming the first file or link that fails.
 */
export async function verifyStatements(
  deps: Pick<Deps, 'config' | 'clock' | 'secret'>,
  options: { dir?: string; only?: string; keyFile?: string } = {},
): Promise<ChainReport> {
  const key = options.keyFile
    ? await readPublicKey(new Uint8Array(await readFile(options.keyFile)))
    : await clubKey(deps);
  const dir = options.dir ?? statementsDir(deps.config);
  const all = await listStatementDates(dir);
  const dates = options.only ? [options.only] : all;
  if (dates.length === 0) throw new StatementError('statement_missing', `${dir}: no statements`);
  const statements: VerifiedStatement[] = [];
  for (const date of dates) {
    const { statement } = await verifyOne(dir, date, key);
    const index = all.indexOf(date);
    const before = index > 0 ? all[index - 1] : undefined;
    if (before === undefined) {
      if (statement.previous !== null && !options.only)
        throw new StatementError(
          'statement_chain_broken',
          `${date}.json: broken link: it names a previous statement (${statement.previous}), but it is the first`,
        );
    } else {
      const expected = options.only
        ? sha256Hex(new Uint8Array(await readFile(join(dir, `${before}.json`))))
        : statements.at(-1)?.sha256;
      if (statement.previous !== expected)
        throw new StatementError(
          'statement_chain_broken',
          `${date}.json: broken link to ${before}.json: previous is ${statement.previous ?? 'null'}, but the SHA-256 of ${before}.json is ${expected ?? '?'}`,
        );
    }
    statements.push(statement);
  }
  return { fingerprint: key.getFingerprint().toUpperCase(), statements };
}

async function clubKey(deps: Pick<Deps, 'config' | 'clock' | 'secret'>): Promise<PublicKey> {
  const published = await loadSigningPublicKey(deps);
  if (!published)
    throw new StatementError(
      'statement_not_configured',
      'The declaration has no transparency.signingAddress; give the key with --key.',
    );
  return readPublicKey(published.binary);
}
