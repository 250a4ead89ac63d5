import type { PrivateKey, PublicKey } from 'openpgp';

/**
 * The few OpenPGP.js operations the keys module uses besides reading keys, with plain types.
 * OpenPGP.js types its message functions with the stream types of its optional peer
 * `@openpgp/web-stream-tools`, whose typings pull the DOM library into every file of a
 * project; without it those results are unresolved. Here each result is checked at run time
 * instead, so callers get `string` and `Uint8Array`.
 */

/**
 * OpenPGP.js, loaded on first use (Node caches the module): a server that never checks a key
 * does not pay its memory, and serving published keys never needs it.
 */
export function loadOpenPgp(): Promise<typeof import('openpgp')> {
  return import('openpgp');
}

/** Reads one binary public key (already checked when it was stored). */
export async function readBinaryKey(binary: Uint8Array): Promise<PublicKey> {
  const openpgp = await loadOpenPgp();
  const key = await openpgp.readKey({ binaryKey: binary });
  if (!(key instanceof openpgp.PublicKey)) throw new Error('expected a public key');
  return key;
}

/** Encrypts `text` to `keys`, armored, as of `now` (key validity is judged at that time). */
export async function encryptText(
  text: string,
  keys: PublicKey | PublicKey[],
  now: Date,
): Promise<string> {
  const openpgp = await loadOpenPgp();
  const armored: unknown = await openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: keys,
    date: now,
    format: 'armored',
  });
  if (typeof armored !== 'string') throw new Error('OpenPGP.js returned no armored message');
  return armored;
}

/** Decrypts an armored message with `key`; the plaintext as bytes. */
export async function decryptMessage(
  armored: string,
  key: PrivateKey,
  now: Date,
): Promise<Uint8Array> {
  const openpgp = await loadOpenPgp();
  const result: { data: unknown } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: key,
    date: now,
    format: 'binary',
  });
  if (!(result.data instanceof Uint8Array)) throw new Error('OpenPGP.js returned no bytes');
  return result.data;
}

/**
 * A detached, armored text-mode signature of `text` (RFC 4880 §5.2.1 type 0x01) and the name
 * of its hash algorithm in lower case (`sha512`), for a `micalg` parameter (RFC 3156 §5).
 */
export async function signDetached(
  text: string,
  key: PrivateKey,
  now: Date,
): Promise<{ signature: string; hash: string }> {
  const openpgp = await loadOpenPgp();
  const signature: unknown = await openpgp.sign({
    message: await openpgp.createMessage({ text }),
    signingKeys: key,
    detached: true,
    date: now,
    format: 'armored',
  });
  if (typeof signature !== 'string') throw new Error('OpenPGP.js returned no armored signature');
  const packet = (await openpgp.readSignature({ armoredSignature: signature })).packets[0];
  const hash = packet?.hashAlgorithm;
  if (hash === undefined || hash === null) throw new Error('signature without a hash algorithm');
  return { signature, hash: openpgp.enums.read(openpgp.enums.hash, hash).toLowerCase() };
}
