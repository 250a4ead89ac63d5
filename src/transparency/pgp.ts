import type { PrivateKey, PublicKey } from 'openpgp';

/**
 * The OpenPGP.js operations of the transparency module with plain types (OpenPGP.js types its
 * message results with the stream types of an optional peer; each result is checked at run
 * time instead). Loaded on first use, like in the keys module.
 */

function openpgp(): Promise<typeof import('openpgp')> {
  return import('openpgp');
}

/**
 * A detached, armored signature over exactly `bytes` (a binary-document signature, type 0x00,
 * so `gpg --verify FILE.asc FILE` checks the file's bytes as they are), made at `date`.
 */
export async function signDetached(
  bytes: Uint8Array,
  signingKey: PrivateKey,
  date: Date,
): Promise<string> {
  const pgp = await openpgp();
  const signature: unknown = await pgp.sign({
    message: await pgp.createMessage({ binary: bytes }),
    signingKeys: signingKey,
    detached: true,
    date,
    format: 'armored',
  });
  if (typeof signature !== 'string') throw new Error('OpenPGP.js returned no armored signature');
  return signature;
}

/** Whether `armoredSignature` is a valid signature of `key` over `bytes`. Never throws on a bad one. */
export async function verifyDetached(
  bytes: Uint8Array,
  armoredSignature: string,
  key: PublicKey,
): Promise<boolean> {
  const pgp = await openpgp();
  try {
    const result = await pgp.verify({
      message: await pgp.createMessage({ binary: bytes }),
      signature: await pgp.readSignature({ armoredSignature }),
      verificationKeys: key,
      expectSigned: true,
    });
    for (const signature of result.signatures) await signature.verified;
    return result.signatures.length > 0;
  } catch {
    return false;
  }
}

/** Reads one public key, binary or armored. @throws Error when it is neither. */
export async function readPublicKey(data: Uint8Array | string): Promise<PublicKey> {
  const pgp = await openpgp();
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  const key = text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')
    ? await pgp.readKey({ armoredKey: text })
    : await pgp.readKey({ binaryKey: typeof data === 'string' ? Buffer.from(data) : data });
  if (!(key instanceof pgp.PublicKey)) throw new Error('expected a public key, not a secret key');
  return key;
}

/** A verified cleartext-signed text: what it says and when it was signed. */
export interface VerifiedCleartext {
  text: string;
  signedAt: Date;
}

/**
 * Verifies a cleartext-signed message (`gpg --clearsign`) against `key`; null when the
 * signature is bad, missing or by another key, or the text is no cleartext message.
 */
export async function verifyCleartext(
  armored: string,
  key: PublicKey,
  date: Date,
): Promise<VerifiedCleartext | null> {
  const pgp = await openpgp();
  try {
    const message = await pgp.readCleartextMessage({ cleartextMessage: armored });
    const result = await pgp.verify({
      message,
      verificationKeys: key,
      expectSigned: true,
      date,
    });
    const first = result.signatures[0];
    if (!first) return null;
    await first.verified;
    const packet = (await first.signature).packets[0];
    const text: unknown = result.data;
    if (typeof text !== 'string' || !packet?.created) return null;
    return { text, signedAt: packet.created };
  } catch {
    return null;
  }
}
