import { createHmac, randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import type { Deps } from '../core/deps.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../core/fs.ts';
import { minimiseForAddress } from './key-policy.ts';
import { loadOpenPgp } from './pgp.ts';
import { normaliseAddress } from './zbase32.ts';

/**
 * The Web Key Service's own key pair for the submission address. gpg-wks-client encrypts the
 * submission and the confirmation response to it, found through the WKD (draft-22 §4.4: the
 * provider "MUST publish a key capable of signing and encryption for the submission-address");
 * treff signs its confirmation requests with it.
 *
 * Kept in `DATA_DIR/wks/`: `ADDRESS.key` (armored secret key, mode 0600, encrypted with a
 * passphrase derived from the installation secret, so a copied key file alone is useless) and
 * `ADDRESS.pub` (the minimised public key that the WKD serves). Created on first use; a new
 * submission address gets a new key.
 */

/** The public half, as the WKD serves it. */
export interface SubmissionPublicKey {
  address: string;
  /** Minimised binary public key. */
  binary: Uint8Array;
  fingerprint: string;
}

/** The whole key pair, unlocked, for the WKS protocol. */
export interface SubmissionKeyPair extends SubmissionPublicKey {
  privateKey: PrivateKey;
}

type KeyDeps = Pick<Deps, 'config' | 'clock' | 'secret'>;

function paths(deps: KeyDeps, address: string): { dir: string; secret: string; public: string } {
  const dir = join(deps.config.paths.dataDir, 'wks');
  return { dir, secret: join(dir, `${address}.key`), public: join(dir, `${address}.pub`) };
}

function passphrase(secret: Buffer): string {
  return createHmac('sha256', secret).update('treff-wks-submission-key').digest('base64url');
}

/** Creates `path` with `data` unless it exists; never replaces (a concurrent creator wins). */
async function createExclusive(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<boolean> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, data, { mode, flag: 'wx' });
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

/** The configured submission address, ASCII-lower-cased, or null when WKS is off. */
export function submissionAddress(config: Deps['config']): string | null {
  const address = config.services.wkd?.submissionAddress;
  return address ? normaliseAddress(address) : null;
}

/**
 * Makes sure the key pair of the submission address exists (generating an Ed25519/Cv25519 v4
 * key, which GnuPG 2.2 reads, on first use). Idempotent and safe against a concurrent call from
 * another process: the first file written wins.
 */
async function ensureKeyPair(deps: KeyDeps, address: string): Promise<void> {
  const files = paths(deps, address);
  try {
    await readFile(files.secret);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const openpgp = await loadOpenPgp();
  await ensurePrivateDir(files.dir);
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: address }],
    passphrase: passphrase(deps.secret),
    date: deps.clock.now(),
    format: 'object',
  });
  await createExclusive(files.secret, privateKey.armor(), PRIVATE_FILE_MODE);
}

/**
 * The public key of the submission address, minimised for the WKD, or null when WKS is off.
 * Generates the key pair on first use.
 */
export async function loadSubmissionPublicKey(deps: KeyDeps): Promise<SubmissionPublicKey | null> {
  const address = submissionAddress(deps.config);
  if (!address) return null;
  const files = paths(deps, address);
  try {
    const binary = new Uint8Array(await readFile(files.public));
    const openpgp = await loadOpenPgp();
    const key = await openpgp.readKey({ binaryKey: binary });
    return { address, binary, fingerprint: key.getFingerprint().toUpperCase() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pair = await loadSubmissionKey(deps);
  if (!pair) return null;
  // Only treff reads it (and serves it over the WKD): private like everything in the data dir.
  await createExclusive(files.public, pair.binary, PRIVATE_FILE_MODE);
  return { address, binary: pair.binary, fingerprint: pair.fingerprint };
}

/** The unlocked key pair of the submission address, or null when WKS is off. */
export async function loadSubmissionKey(deps: KeyDeps): Promise<SubmissionKeyPair | null> {
  const address = submissionAddress(deps.config);
  if (!address) return null;
  await ensureKeyPair(deps, address);
  const openpgp = await loadOpenPgp();
  const locked = await openpgp.readPrivateKey({
    armoredKey: await readFile(paths(deps, address).secret, 'utf8'),
  });
  const privateKey = await openpgp.decryptKey({
    privateKey: locked,
    passphrase: passphrase(deps.secret),
  });
  // The creation time is the reference: the key is valid from then on, whatever the clock says.
  const checked = await minimiseForAddress(
    privateKey.toPublic(),
    address,
    new Date(Math.max(privateKey.getCreationTime().getTime(), deps.clock.now().getTime())),
  );
  return { address, binary: checked.binary, fingerprint: checked.fingerprint, privateKey };
}
