import * as openpgp from 'openpgp';
import { createAccount } from '../../src/accounts/index.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { decryptMessage, encryptText, readBinaryKey } from '../../src/keys/pgp.ts';
import { createMember } from '../../src/members/index.ts';
import { memberInput, type TestApp } from './app.ts';

/** Helpers for tests of the keys module: OpenPGP.js keys and members with club addresses. */

/** The example club's domain (mail and WKD). */
export const DOMAIN = 'chaostreff-osnabrueck.de';
export const SUBMISSION = `key-submission@${DOMAIN}`;

/** A declaration edit that switches the Web Key Service on. */
export function withWks(yaml: string): string {
  return yaml.replace(
    'requireClubUid: true',
    `requireClubUid: true\n    submissionAddress: ${SUBMISSION}`,
  );
}

/** A test key pair and its armored public key. */
export interface TestKey {
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  armored: string;
}

/** A fresh Ed25519/Cv25519 v4 key pair, created a day before `now` (so it is valid then). */
export async function makeKey(
  userIDs: openpgp.UserID[],
  now: Date,
  options: { keyExpirationTime?: number; subkeys?: openpgp.SubkeyOptions[] } = {},
): Promise<TestKey> {
  const pair: { privateKey: unknown; publicKey: unknown } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs,
    date: new Date(now.getTime() - 86_400_000),
    format: 'object',
    ...(options.keyExpirationTime ? { keyExpirationTime: options.keyExpirationTime } : {}),
    ...(options.subkeys ? { subkeys: options.subkeys } : {}),
  });
  if (
    !(pair.privateKey instanceof openpgp.PrivateKey) ||
    !(pair.publicKey instanceof openpgp.PublicKey)
  )
    throw new Error('OpenPGP.js returned no key pair');
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    armored: pair.publicKey.armor(),
  };
}

/** Decrypts an armored message with `key` and returns the text. */
export async function decryptText(
  armored: string,
  key: openpgp.PrivateKey,
  now: Date,
): Promise<string> {
  return Buffer.from(await decryptMessage(armored, key, now)).toString('utf8');
}

/** The 32-character code in a decrypted challenge. */
export function codeIn(text: string): string {
  const code = /\b([ybndrfg8ejkmcpqxot1uwisza345h769]{32})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in ${text}`);
  return code;
}

/**
 * An active member (number `number`) with an active account `username`: their club address is
 * `username@DOMAIN`. Returns the member id.
 */
export async function memberWithAccount(
  t: TestApp,
  username: string,
  number = '42',
  email = `${username}@example.org`,
): Promise<string> {
  const member = await createMember(
    t.deps,
    CLI_ACTOR,
    memberInput({ memberNumber: number, email }),
  );
  await createAccount(t.deps, CLI_ACTOR, member.id, username);
  return member.id;
}

/**
 * A WKS key submission as gpg-wks-client 2.2.40 sends it (wkd.md §1.5): `multipart/encrypted`
 * to the submission key and the user's key, inside an armored `application/pgp-keys`.
 */
export async function wksSubmissionMail(
  submissionKey: Uint8Array,
  key: { armored: string; publicKey: openpgp.PublicKey },
  now: Date,
  from: string,
): Promise<string> {
  const armored = await encryptText(
    `Content-Type: application/pgp-keys\n\n${key.armored}\n`,
    [await readBinaryKey(submissionKey), key.publicKey],
    now,
  );
  return (
    `From: ${from}\r\nTo: ${SUBMISSION}\r\nSubject: Key publishing request\r\nWks-Draft-Version: 3\r\n` +
    `MIME-Version: 1.0\r\n` +
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";\r\n\tboundary="=-=01-b=-="\r\n\r\n` +
    `--=-=01-b=-=\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n` +
    `--=-=01-b=-=\r\nContent-Type: application/octet-stream\r\n\r\n${armored}\r\n--=-=01-b=-=--\r\n`
  );
}
