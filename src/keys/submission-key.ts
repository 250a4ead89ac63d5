import { createHmac, randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import type { Deps } from '../core/deps.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { minimiseForAddress } from './key-policy.ts';
import { loadOpenPgp } from './pgp.ts';
import { normaliseAddress } from './zbase32.ts';

/**
 * The Web Key Service's own key pair for the submission address. gpg-wks-client encrypts the
 * submission and the confirmation response to it, found through the WKD (draft-22 §4.4: the
 * provider "MUST publish a key capable of signing and encryption for the submission-address");
 * treff signs its confirmation requests with it.
 *
 * The club's signing key for the transparency statements is made and kept the same way, in
 * `DATA_DIR/transparency/`, and published in the WKD under the declared signing address.
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

/** Where one of treff's own keys lives and what derives its passphrase. */
interface OwnKey {
  address: string;
  /** Folder under the data dir. */
  folder: string;
  /** Domain separation of the passphrase derived from the installation secret. */
  label: string;
}

const submissionKey = (address: string): OwnKey => ({
  address,
  folder: 'wks',
  label: 'treff-wks-submission-key',
});
const signingKey = (address: string): OwnKey => ({
  address,
  folder: 'transparency',
  label: 'treff-transparency-signing-key',
});

function paths(deps: KeyDeps, own: OwnKey): { dir: string; secret: string; public: string } {
  const dir = join(deps.config.paths.dataDir, own.folder);
  return { dir, secret: join(dir, `${own.address}.key`), public: join(dir, `${own.address}.pub`) };
}

/**
 * The S2K iteration count of the key files: 65,536 bytes hashed (OpenPGP.js's default, 224,
 * hashes 16 MiB and allocates 16 MiB for it per secret key packet, which the server's malloc
 * kept: 30 MiB of an idle server, README "Memory"). Stretching adds nothing here: the
 * passphrase is 256 bits derived from the installation secret, not a password.
 */
const S2K_ITERATION_COUNT_BYTE = 0x60;

function passphrase(secret: Buffer, own: OwnKey): string {
  return createHmac('sha256', secret).update(own.label).digest('base64url');
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
async function ensureKeyPair(deps: KeyDeps, own: OwnKey): Promise<void> {
  const files = paths(deps, own);
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
    userIDs: [{ email: own.address }],
    passphrase: passphrase(deps.secret, own),
    date: deps.clock.now(),
    format: 'object',
    config: { s2kIterationCountByte: S2K_ITERATION_COUNT_BYTE },
  });
  await createExclusive(files.secret, privateKey.armor(), PRIVATE_FILE_MODE);
}

/**
 * The public key of the submission address, minimised for the WKD, or null when WKS is off.
 * Generates the key pair on first use.
 */
export async function loadSubmissionPublicKey(deps: KeyDeps): Promise<SubmissionPublicKey | null> {
  const address = submissionAddress(deps.config);
  return address ? loadOwnPublicKey(deps, submissionKey(address)) : null;
}

/** The unlocked key pair of the submission address, or null when WKS is off. */
export async function loadSubmissionKey(deps: KeyDeps): Promise<SubmissionKeyPair | null> {
  const address = submissionAddress(deps.config);
  return address ? loadOwnKey(deps, submissionKey(address)) : null;
}

/** The declared signing address of the transparency statements, lower-cased, or null. */
export function signingAddress(config: Deps['config']): string | null {
  const address = config.transparency?.signingAddress;
  return address ? normaliseAddress(address) : null;
}

/**
 * The public key of the club's signing address (`transparency.signingAddress`), minimised for
 * the WKD, or null when none is declared. Generates the key pair (kept in
 * `DATA_DIR/transparency/` like the submission key in `wks/`) on first use.
 */
export async function loadSigningPublicKey(deps: KeyDeps): Promise<SubmissionPublicKey | null> {
  const address = signingAddress(deps.config);
  return address ? loadOwnPublicKey(deps, signingKey(address)) : null;
}

/** The unlocked key pair of the club's signing address, or null when none is declared. */
export async function loadSigningKey(deps: KeyDeps): Promise<SubmissionKeyPair | null> {
  const address = signingAddress(deps.config);
  return address ? loadOwnKey(deps, signingKey(address)) : null;
}

async function loadOwnPublicKey(deps: KeyDeps, own: OwnKey): Promise<SubmissionPublicKey> {
  const files = paths(deps, own);
  try {
    const binary = new Uint8Array(await readFile(files.public));
    const openpgp = await loadOpenPgp();
    const key = await openpgp.readKey({ binaryKey: binary });
    return { address: own.address, binary, fingerprint: key.getFingerprint().toUpperCase() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pair = await loadOwnKey(deps, own);
  // Only treff reads it (and serves it over the WKD): private like everything in the data dir.
  await createExclusive(files.public, pair.binary, PRIVATE_FILE_MODE);
  return { address: own.address, binary: pair.binary, fingerprint: pair.fingerprint };
}

/** The iteration count byte of a secret key packet's S2K, 0 when it has none. */
function s2kCountByte(packet: unknown): number {
  const s2k = (packet as { s2k?: { type?: string; c?: number } | null }).s2k;
  return s2k?.type === 'iterated' ? (s2k.c ?? 0) : 0;
}

async function loadOwnKey(deps: KeyDeps, own: OwnKey): Promise<SubmissionKeyPair> {
  await ensureKeyPair(deps, own);
  const openpgp = await loadOpenPgp();
  const file = paths(deps, own).secret;
  const locked = await openpgp.readPrivateKey({ armoredKey: await readFile(file, 'utf8') });
  const privateKey = await openpgp.decryptKey({
    privateKey: locked,
    passphrase: passphrase(deps.secret, own),
  });
  // A key file of an older treff, with OpenPGP.js's default count: the same key, re-encrypted
  // with the same passphrase once, so later loads do not allocate the 16 MiB again.
  if (locked.getKeys().some((key) => s2kCountByte(key.keyPacket) > S2K_ITERATION_COUNT_BYTE)) {
    const relocked = await openpgp.encryptKey({
      privateKey,
      passphrase: passphrase(deps.secret, own),
      config: { s2kIterationCountByte: S2K_ITERATION_COUNT_BYTE },
    });
    await writeFileAtomic(file, relocked.armor(), { mode: PRIVATE_FILE_MODE });
  }
  // The creation time is the reference: the key is valid from then on, whatever the clock says.
  const checked = await minimiseForAddress(
    privateKey.toPublic(),
    own.address,
    new Date(Math.max(privateKey.getCreationTime().getTime(), deps.clock.now().getTime())),
  );
  return {
    address: own.address,
    binary: checked.binary,
    fingerprint: checked.fingerprint,
    privateKey,
  };
}
