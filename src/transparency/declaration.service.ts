import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { localDate } from '../core/clock.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { readPublicKey, verifyCleartext } from './pgp.ts';
import { sha256Hex } from './statement.service.ts';

/**
 * The board's own signed declaration (issue 13 part 3, e.g. "no secret orders received"):
 * a text clear-signed offline (`gpg --clearsign`) by a key whose fingerprint the declaration
 * lists in `transparency.boardKeys`, with a line `Expires: YYYY-MM-DD`. treff checks the
 * signature before it publishes anything, keeps the signed text exactly as uploaded in
 * `DATA_DIR/transparency/declarations/` (with the signer's public key beside it, so anyone can
 * check it) and shows the newest one with its expiry.
 */

/** Stable codes of a refused declaration. */
export const DECLARATION_ERROR_CODES = [
  'declaration_not_configured',
  'declaration_key_invalid',
  'declaration_key_unknown',
  'declaration_bad_signature',
  'declaration_no_expiry',
  'declaration_expired',
] as const;
export type DeclarationErrorCode = (typeof DECLARATION_ERROR_CODES)[number];

/** A declaration treff refuses to publish. */
export class DeclarationError extends AppError {
  constructor(code: DeclarationErrorCode, message: string) {
    super('validation', code, message);
    this.name = 'DeclarationError';
  }
}

/** A published declaration. */
export interface BoardDeclaration {
  /** The file name stem under `declarations/`. */
  id: string;
  /** The signed text (without the OpenPGP armour). */
  text: string;
  /** The whole clear-signed message as uploaded. */
  armored: string;
  /** The signer's primary key fingerprint (upper-case hex). */
  fingerprint: string;
  signedAt: string;
  /** `YYYY-MM-DD`, from the text's `Expires:` line. */
  expiresOn: string;
  /** True once the club's today is after `expiresOn`. */
  expired: boolean;
}

const EXPIRES = /^Expires:\s*(\d{4}-\d{2}-\d{2})\s*$/im;

function folder(config: Deps['config']): string {
  return join(config.paths.dataDir, 'transparency', 'declarations');
}

/**
 * Checks and publishes a board declaration: the key must be one of the declared board keys,
 * the signature good, the text must carry an `Expires:` date not before today. Audited as
 * `transparency.declaration.published`. Nothing is written when a check fails.
 * @throws DeclarationError with one of {@link DECLARATION_ERROR_CODES}.
 */
export async function publishDeclaration(
  deps: Pick<Deps, 'config' | 'clock' | 'db'>,
  actor: Actor,
  upload: { signedText: string; publicKey: string | Uint8Array },
): Promise<BoardDeclaration> {
  const boardKeys = deps.config.transparency?.boardKeys ?? [];
  if (boardKeys.length === 0)
    throw new DeclarationError(
      'declaration_not_configured',
      'The declaration lists no board keys (transparency.boardKeys).',
    );
  let key;
  try {
    key = await readPublicKey(upload.publicKey);
  } catch {
    throw new DeclarationError('declaration_key_invalid', 'The public key cannot be read.');
  }
  const fingerprint = key.getFingerprint().toUpperCase();
  if (!boardKeys.includes(fingerprint))
    throw new DeclarationError(
      'declaration_key_unknown',
      `The key ${fingerprint} is not one of the board keys in transparency.boardKeys.`,
    );
  const now = deps.clock.now();
  const armored = upload.signedText.replace(/\r\n/g, '\n');
  const verified = await verifyCleartext(armored, key, now);
  if (!verified)
    throw new DeclarationError(
      'declaration_bad_signature',
      `The text carries no good signature by ${fingerprint}.`,
    );
  const expiresOn = EXPIRES.exec(verified.text)?.[1];
  if (!expiresOn)
    throw new DeclarationError(
      'declaration_no_expiry',
      'The signed text needs a line "Expires: YYYY-MM-DD".',
    );
  const today = localDate(now, deps.config.club.timeZone);
  if (expiresOn < today)
    throw new DeclarationError('declaration_expired', `The declaration expired on ${expiresOn}.`);
  const id = `${verified.signedAt.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${sha256Hex(Buffer.from(armored)).slice(0, 12)}`;
  const dir = folder(deps.config);
  await writeFileAtomic(join(dir, `${id}.key.asc`), key.armor(), { mode: PRIVATE_FILE_MODE });
  await writeFileAtomic(join(dir, `${id}.asc`), armored, { mode: PRIVATE_FILE_MODE });
  await recordAudit(deps.db, now, actor, {
    event: 'transparency.declaration.published',
    objectId: id,
  });
  return {
    id,
    text: verified.text,
    armored,
    fingerprint,
    signedAt: verified.signedAt.toISOString(),
    expiresOn,
    expired: false,
  };
}

/**
 * The newest published declaration (by signature time), re-checked against its stored key,
 * with `expired` judged now; null when there is none.
 */
export async function currentDeclaration(
  deps: Pick<Deps, 'config' | 'clock'>,
): Promise<BoardDeclaration | null> {
  const dir = folder(deps.config);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const ids = names
    .filter((name) => name.endsWith('.asc') && !name.endsWith('.key.asc'))
    .map((name) => name.slice(0, -4))
    .sort()
    .reverse();
  const now = deps.clock.now();
  for (const id of ids) {
    const armored = await readFile(join(dir, `${id}.asc`), 'utf8');
    const key = await readPublicKey(await readFile(join(dir, `${id}.key.asc`), 'utf8'));
    const verified = await verifyCleartext(armored, key, now);
    const expiresOn = verified ? EXPIRES.exec(verified.text)?.[1] : undefined;
    if (!verified || !expiresOn) continue;
    return {
      id,
      text: verified.text,
      armored,
      fingerprint: key.getFingerprint().toUpperCase(),
      signedAt: verified.signedAt.toISOString(),
      expiresOn,
      expired: expiresOn < localDate(now, deps.config.club.timeZone),
    };
  }
  return null;
}

/** The stored public key of a published declaration (armored), for `/transparency/declaration.key.asc`. */
export async function declarationKey(deps: Pick<Deps, 'config'>, id: string): Promise<string> {
  return readFile(join(folder(deps.config), `${id}.key.asc`), 'utf8');
}
