import * as openpgp from 'openpgp';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { publishKeyDirectly } from '../../src/keys/index.ts';
import type { TestApp } from './app.ts';
import { DOMAIN, makeKey, memberWithAccount, type TestKey } from './keys.ts';

/** The example club's member-accounts address. */
export const MEMBER_ACCOUNTS = `member-accounts@${DOMAIN}`;

/** A member with an account and a published WKD key; their registered address is `email`. */
export async function memberWithKey(
  t: TestApp,
  username: string,
  number: string,
  email = `${username}@example.org`,
): Promise<{ memberId: string; key: TestKey; email: string }> {
  const memberId = await memberWithAccount(t, username, number, email);
  const key = await makeKey([{ email: `${username}@${DOMAIN}` }], t.clock.now());
  await publishKeyDirectly(t.deps, CLI_ACTOR, `${username}@${DOMAIN}`, key.armored, {
    recordFingerprint: false,
  });
  return { memberId, key, email };
}

function headers(from: string, subject: string, extra: string[] = []): string {
  return [
    `From: ${from}`,
    `To: ${MEMBER_ACCOUNTS}`,
    `Subject: ${subject}`,
    'Date: Sun, 01 Mar 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\r\n');
}

/** A plain text mail. */
export function plainMail(
  from: string,
  subject: string,
  body: string,
  extra: string[] = [],
): string {
  return `${headers(from, subject, [...extra, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'])}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/**
 * An RFC 3156 `multipart/signed` mail, signed by `key` as Thunderbird does; `body` must be ASCII
 * (7bit, so no MTA re-encodes the signed part). `tamper` changes the text after signing.
 */
export async function mimeSignedMail(
  key: openpgp.PrivateKey,
  from: string,
  subject: string,
  body: string,
  now: Date,
  tamper = false,
): Promise<string> {
  const part = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
  const signature: unknown = await openpgp.sign({
    message: await openpgp.createMessage({ text: part }),
    signingKeys: key,
    detached: true,
    date: new Date(now.getTime() - 60_000),
    format: 'armored',
  });
  if (typeof signature !== 'string') throw new Error('OpenPGP.js returned no armored signature');
  const boundary = 'sig-boundary-1';
  const sent = tamper ? part.replace(/\r\n\r\n/, '\r\n\r\nP.S. changed\r\n') : part;
  return `${headers(from, subject, [`Content-Type: multipart/signed; micalg=pgp-sha512; protocol="application/pgp-signature"; boundary="${boundary}"`])}\r\n\r\nThis is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n--${boundary}\r\n${sent}\r\n--${boundary}\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\nContent-Disposition: attachment; filename="signature.asc"\r\n\r\n${signature.replace(/\r?\n/g, '\r\n')}\r\n--${boundary}--\r\n`;
}

/** A text mail with an inline clear-signed body (`gpg --clearsign`). */
export async function clearSignedMail(
  key: openpgp.PrivateKey,
  from: string,
  subject: string,
  body: string,
  now: Date,
): Promise<string> {
  const signed: unknown = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text: body }),
    signingKeys: key,
    date: new Date(now.getTime() - 60_000),
    format: 'armored',
  });
  if (typeof signed !== 'string') throw new Error('OpenPGP.js returned no signed text');
  return plainMail(from, subject, signed);
}
