import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import * as openpgp from 'openpgp';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  decryptText,
  DOMAIN,
  makeKey,
  memberWithAccount,
  SUBMISSION,
  withWks,
} from '../../test/support/keys.ts';
import { listAuditForMember } from '../core/audit/index.ts';
import { listKeys } from './keys.service.ts';
import { encryptText, readBinaryKey } from './pgp.ts';
import { loadSubmissionKey, type SubmissionKeyPair } from './submission-key.ts';
import type { RawMailer } from './wks.mime.ts';
import {
  parseNameValues,
  receiveWksMail,
  WKS_MAX_CONFIRMATIONS_PER_DAY,
  type WksDeps,
} from './wks.ts';

/**
 * The WKS protocol against a client simulated with OpenPGP.js in the layout gpg-wks-client
 * 2.2.40 uses (wkd.md §1.5). The real gpg-wks-client is in test/integration/wkd.namespace.test.ts.
 */

const ADA = `ada@${DOMAIN}`;

async function encryptedMail(
  headers: string,
  inner: string,
  to: openpgp.PublicKey[],
  now: Date,
): Promise<string> {
  const armored = await encryptText(inner, to, now);
  return (
    `${headers}MIME-Version: 1.0\r\n` +
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";\r\n\tboundary="=-=01-b=-="\r\n\r\n` +
    `--=-=01-b=-=\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n` +
    `--=-=01-b=-=\r\nContent-Type: application/octet-stream\r\n\r\n${armored}\r\n--=-=01-b=-=--\r\n`
  );
}

async function submissionMail(
  pair: SubmissionKeyPair,
  key: { armored: string; publicKey: openpgp.PublicKey },
  now: Date,
  from = ADA,
): Promise<string> {
  return encryptedMail(
    `From: ${from}\r\nTo: ${SUBMISSION}\r\nSubject: Key publishing request\r\nWks-Draft-Version: 3\r\n`,
    `Content-Type: application/pgp-keys\n\n${key.armored}\n`,
    [await readBinaryKey(pair.binary), key.publicKey],
    now,
  );
}

/** What gpg-wks-client checks of a confirmation request, and the name-values in it. */
async function readConfirmationRequest(
  raw: Buffer,
  pair: SubmissionKeyPair,
  key: openpgp.PrivateKey,
  now: Date,
): Promise<Map<string, string>> {
  const text = raw.toString('utf8');
  const outer = /boundary="([^"]+)"/.exec(text)?.[1] ?? '';
  assert.match(
    text,
    /^Content-Type: multipart\/signed; protocol="application\/pgp-signature"; micalg=pgp-sha\d+;/m,
  );
  assert.match(text, /^Wks-Draft-Version: 3\r$/m);
  assert.match(text, /^Wks-Phase: confirm\r$/m);
  assert.ok(!/[^\r]\n/.test(text), 'CRLF line ends throughout');
  const start = text.indexOf(`--${outer}\r\n`) + outer.length + 4;
  const end = text.indexOf(`\r\n--${outer}`, start);
  const signed = text.slice(start, end);
  const signature =
    /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(text.slice(end))?.[0] ??
    '';
  // expectSigned: verify() throws unless the signature over exactly these bytes is good.
  const verification: unknown = await openpgp.verify({
    message: await openpgp.createMessage({ text: signed }),
    signature: await openpgp.readSignature({ armoredSignature: signature }),
    verificationKeys: await readBinaryKey(pair.binary),
    date: now,
    expectSigned: true,
  });
  assert.equal((verification as { data: unknown }).data, signed);
  const mixed = await simpleParser(signed);
  const part = mixed.attachments.find((a) => a.contentType === 'application/vnd.gnupg.wks');
  assert.ok(part, 'an application/vnd.gnupg.wks part');
  assert.match(mixed.text ?? '', /ignore/);
  return parseNameValues(await decryptText(part.content.toString('utf8'), key, now));
}

async function responseMail(
  pair: SubmissionKeyPair,
  fields: Map<string, string>,
  key: openpgp.PublicKey,
  now: Date,
): Promise<string> {
  const body = `type: confirmation-response\nsender: ${fields.get('sender') ?? ''}\naddress: ${fields.get('address') ?? ''}\nnonce: ${fields.get('nonce') ?? ''}\n`;
  return encryptedMail(
    `From: ${fields.get('address') ?? ''}\r\nTo: ${fields.get('sender') ?? ''}\r\nSubject: Key publication confirmation\r\nWks-Draft-Version: 3\r\n`,
    `Content-Type: application/vnd.gnupg.wks\nContent-Transfer-Encoding: 8bit\n\n${body}`,
    [await readBinaryKey(pair.binary), key],
    now,
  );
}

for (const dialect of TEST_DIALECTS) {
  describe(`Web Key Service by mail (${dialect})`, () => {
    let t: TestApp;
    let deps: WksDeps;
    let pair: SubmissionKeyPair;
    let sent: { to: string; message: Buffer }[];
    let ada: Awaited<ReturnType<typeof makeKey>>;
    let adaId: string;
    beforeEach(async () => {
      t = await createTestApp(dialect, { configEdit: withWks });
      sent = [];
      const rawMailer: RawMailer = {
        send: (envelope, message) => {
          sent.push({ to: envelope.to, message });
          return Promise.resolve();
        },
      };
      deps = { ...t.deps, rawMailer };
      const loaded = await loadSubmissionKey(t.deps);
      assert.ok(loaded);
      pair = loaded;
      adaId = await memberWithAccount(t, 'ada');
      ada = await makeKey([{ name: 'Ada', email: ADA }], t.clock.now());
    });
    afterEach(() => t.close());

    test('submission, signed confirmation request, encrypted response, publication; a replay is refused', async () => {
      const now = t.clock.now();
      const outcome = await receiveWksMail(deps, await submissionMail(pair, ada, now));
      assert.deepEqual(outcome, { kind: 'confirmation_sent', addresses: 1 });
      assert.equal(sent[0]?.to, ADA);
      assert.deepEqual(await listKeys(t.deps), [], 'nothing published before the confirmation');
      const fields = await readConfirmationRequest(
        sent[0]?.message ?? Buffer.alloc(0),
        pair,
        ada.privateKey,
        now,
      );
      assert.equal(fields.get('type'), 'confirmation-request');
      assert.equal(fields.get('sender'), SUBMISSION);
      assert.equal(fields.get('address'), ADA);
      assert.equal(fields.get('fingerprint'), ada.publicKey.getFingerprint().toUpperCase());
      assert.match(
        fields.get('nonce') ?? '',
        /^[a-z0-9]{32}$/,
        'longer than the 16 characters gpg refuses',
      );

      // GnuPG trims trailing white space from the nonce; so must we.
      fields.set('nonce', `${fields.get('nonce') ?? ''}  `);
      const response = await responseMail(pair, fields, ada.publicKey, now);
      const published = await receiveWksMail(deps, response);
      assert.equal(published.kind, 'published');
      const [entry] = await listKeys(t.deps);
      assert.equal(entry?.key.source, 'wks');
      assert.equal(entry?.key.fingerprint, ada.publicKey.getFingerprint().toUpperCase());
      assert.match(sent[1]?.message.toString() ?? '', /^Wks-Phase: done\r$/m);

      const auditBefore = (await listAuditForMember(t.deps.db, adaId)).length;
      assert.deepEqual(await receiveWksMail(deps, response), {
        kind: 'ignored',
        reason: 'unknown_nonce',
      });
      assert.equal(
        (await listAuditForMember(t.deps.db, adaId)).length,
        auditBefore,
        'the replay changed nothing',
      );
      assert.equal(sent.length, 2, 'and was not answered');
    });

    test('accepts the response in clear, as gpg-wks-client sends it when it finds no submission key', async () => {
      const now = t.clock.now();
      await receiveWksMail(deps, await submissionMail(pair, ada, now));
      const fields = await readConfirmationRequest(
        sent[0]?.message ?? Buffer.alloc(0),
        pair,
        ada.privateKey,
        now,
      );
      const clear =
        `From: ${ADA}\r\nTo: ${SUBMISSION}\r\nSubject: Key publication confirmation\r\nWks-Draft-Version: 3\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: application/vnd.gnupg.wks\r\n\r\n` +
        `type: confirmation-response\r\nsender: ${SUBMISSION}\r\naddress: ${ADA}\r\nnonce: ${fields.get('nonce') ?? ''}\r\n`;
      assert.equal((await receiveWksMail(deps, clear)).kind, 'published');
    });

    test('refuses a lapsed nonce and a nonce for another address', async () => {
      const now = t.clock.now();
      await receiveWksMail(deps, await submissionMail(pair, ada, now));
      const fields = await readConfirmationRequest(
        sent[0]?.message ?? Buffer.alloc(0),
        pair,
        ada.privateKey,
        now,
      );
      const wrong = new Map(fields).set('address', `bob@${DOMAIN}`);
      assert.deepEqual(
        await receiveWksMail(deps, await responseMail(pair, wrong, ada.publicKey, now)),
        {
          kind: 'ignored',
          reason: 'address_mismatch',
        },
      );
      t.clock.advance(3 * 86_400_000);
      assert.deepEqual(
        await receiveWksMail(deps, await responseMail(pair, fields, ada.publicKey, now)),
        {
          kind: 'ignored',
          reason: 'lapsed',
        },
      );
      assert.deepEqual(await listKeys(t.deps), []);
    });

    test('sends one confirmation request per club address of the key, and none for others', async () => {
      await memberWithAccount(t, 'bob', '43');
      const shared = await makeKey(
        [
          { email: ADA },
          { email: `bob@${DOMAIN}` },
          { email: `nobody@${DOMAIN}` },
          { email: 'ada@example.org' },
        ],
        t.clock.now(),
      );
      const outcome = await receiveWksMail(deps, await submissionMail(pair, shared, t.clock.now()));
      assert.deepEqual(outcome, { kind: 'confirmation_sent', addresses: 2 });
      assert.deepEqual(sent.map((mail) => mail.to).sort(), [ADA, `bob@${DOMAIN}`]);
    });

    test('keeps a pending request still valid, and mails one address at most 3 confirmation requests a day', async () => {
      const submit = async () => {
        const outcome = await receiveWksMail(deps, await submissionMail(pair, ada, t.clock.now()));
        return outcome.kind === 'ignored' ? outcome.reason : outcome.kind;
      };
      const ttlMs = 2 * 86_400_000 + 1000;
      assert.equal(await submit(), 'confirmation_sent');
      assert.equal(await submit(), 'pending_kept', 'a newer submission does not replace it');
      assert.equal(sent.length, 1);
      // A lapsed request frees the slot; the daily count (in the database) still holds.
      const results: string[] = [];
      for (let round = 1; round <= WKS_MAX_CONFIRMATIONS_PER_DAY; round++) {
        await t.deps.db
          .updateTable('wkd_keys')
          .set({ expires_at: new Date(t.clock.now().getTime() - 1).toISOString() })
          .where('state', '=', 'pending')
          .execute();
        results.push(await submit());
      }
      assert.deepEqual(results, [
        ...Array<string>(WKS_MAX_CONFIRMATIONS_PER_DAY - 1).fill('confirmation_sent'),
        'quota_exceeded',
      ]);
      assert.equal(sent.length, WKS_MAX_CONFIRMATIONS_PER_DAY);
      t.clock.advance(ttlMs);
      assert.equal(await submit(), 'confirmation_sent', 'the next day counts anew');
    });

    test('answers nothing to mail it must not act on', async () => {
      const now = t.clock.now();
      const stranger = await makeKey([{ email: `nobody@${DOMAIN}` }], now);
      const cases: [string, string][] = [
        [await submissionMail(pair, stranger, now, `nobody@${DOMAIN}`), 'no_member_address'],
        [
          await submissionMail(
            pair,
            { armored: ada.privateKey.armor(), publicKey: ada.publicKey },
            now,
          ),
          'key_refused',
        ],
        [
          `From: ${ADA}\r\nTo: ${SUBMISSION}\r\nSubject: hi\r\n\r\nplease publish my key\r\n`,
          'not_wks',
        ],
        [
          `From: ${ADA}\r\nTo: ${SUBMISSION}\r\nX-WKS-Loop: treff\r\nSubject: loop\r\n\r\nx\r\n`,
          'loop',
        ],
        [
          await encryptedMail(
            `From: ${ADA}\r\nTo: ${SUBMISSION}\r\n`,
            'Content-Type: application/pgp-keys\n\nx\n',
            [ada.publicKey],
            now,
          ),
          'undecryptable',
        ],
      ];
      for (const [mail, reason] of cases) {
        const outcome = await receiveWksMail(deps, mail);
        assert.equal(outcome.kind, 'ignored');
        assert.equal(outcome.kind === 'ignored' && outcome.reason, reason);
      }
      assert.equal(sent.length, 0);
      assert.deepEqual(await listKeys(t.deps, 'pending'), []);
    });

    test('ignores a mail whose part has an empty Content-Type header instead of failing', async () => {
      const empty = `From: ${ADA}\r\nTo: ${SUBMISSION}\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: \r\n\r\nx\r\n--b--\r\n`;
      assert.deepEqual(await receiveWksMail(deps, empty), { kind: 'ignored', reason: 'not_wks' });
      const encrypted = empty.replace('multipart/mixed', 'multipart/encrypted');
      assert.deepEqual(await receiveWksMail(deps, encrypted), {
        kind: 'ignored',
        reason: 'undecryptable',
      });
    });
  });
}
