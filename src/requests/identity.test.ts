import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { parseInboundMail } from '../core/mail/quarantine.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { DOMAIN, makeKey } from '../../test/support/keys.ts';
import {
  clearSignedMail,
  memberWithKey,
  mimeSignedMail,
  plainMail,
} from '../../test/support/request-mail.ts';
import { identifyRequester, isAutoSubmitted, type IdentityResult } from './identity.ts';

/** The identity of a raw mail, read as the intake reads it. */
async function identityOf(t: TestApp, raw: string): Promise<IdentityResult> {
  const buffer = Buffer.from(raw);
  const parsed = await parseInboundMail(buffer);
  const type = parsed.headers.get('content-type') as
    { value: string; params: Record<string, string> } | undefined;
  return identifyRequester(t.deps, {
    raw: buffer,
    from: parsed.from?.value[0]?.address ?? null,
    text: parsed.text ?? '',
    contentType: type ?? null,
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`identity of a request mail (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    test("counts an OpenPGP/MIME signature by the member's registered key as verified", async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const raw = await mimeSignedMail(
        ada.key.privateKey,
        ada.email,
        'Konto',
        'Bitte mein Konto loeschen.',
        t.clock.now(),
      );
      const result = await identityOf(t, raw);
      assert.equal(result.reason, 'signature_valid');
      assert.deepEqual(result.identity, {
        kind: 'signed',
        memberId: ada.memberId,
        fingerprint: ada.key.publicKey.getFingerprint().toUpperCase(),
      });
      assert.equal(result.replyTo, ada.email);
    });

    test('counts an inline clear-signed text by the registered key as verified, whatever the From', async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const raw = await clearSignedMail(
        ada.key.privateKey,
        'someone@elsewhere.example',
        'Key',
        'Please remove my key.',
        t.clock.now(),
      );
      const result = await identityOf(t, raw);
      assert.equal(result.identity.kind, 'signed');
      assert.equal(result.replyTo, ada.email, 'answers go to the registered address');
    });

    test('a signature by a key the registry does not hold is not verified, even from the registered address', async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const stranger = await makeKey([{ email: `ada@${DOMAIN}` }], t.clock.now());
      for (const raw of [
        await mimeSignedMail(
          stranger.privateKey,
          ada.email,
          'Konto',
          'Bitte mein Konto loeschen.',
          t.clock.now(),
        ),
        await clearSignedMail(
          stranger.privateKey,
          ada.email,
          'Konto',
          'Bitte mein Konto loeschen.',
          t.clock.now(),
        ),
      ]) {
        const result = await identityOf(t, raw);
        assert.deepEqual(result.identity, { kind: 'unknown' });
        assert.equal(result.reason, 'signature_unknown_key');
      }
    });

    test('a signed text changed after signing is not verified', async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const raw = await mimeSignedMail(
        ada.key.privateKey,
        ada.email,
        'Konto',
        'Bitte mein Konto loeschen.',
        t.clock.now(),
        true,
      );
      const result = await identityOf(t, raw);
      assert.deepEqual(result.identity, { kind: 'unknown' });
      assert.equal(result.reason, 'signature_invalid');
    });

    test('a From equal to the registered address (any case) asks for the confirmation link', async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const result = await identityOf(
        t,
        plainMail('Ada <ADA@Example.ORG>', 'Konto', 'Bitte mein Konto loeschen.'),
      );
      assert.deepEqual(result.identity, { kind: 'registered-address', memberId: ada.memberId });
      assert.equal(result.replyTo, ada.email);
    });

    test('any other From goes to the board', async () => {
      await memberWithKey(t, 'ada', '1');
      for (const from of [
        'ada@example.org.evil.example',
        'mallory@example.org',
        'ada@example.org <mallory@evil.example>',
      ]) {
        const result = await identityOf(t, plainMail(from, 'Konto', 'Bitte mein Konto loeschen.'));
        assert.deepEqual(result.identity, { kind: 'unknown' }, from);
        assert.equal(result.reason, 'from_unknown');
      }
    });
  });
}

describe('auto-submitted mail', () => {
  const headersOf = async (extra: string[]) =>
    (await parseInboundMail(plainMail('a@example.org', 'x', 'x', extra))).headers;

  test('marks auto-replies, list mail and bounces, and nothing else', async () => {
    for (const extra of [
      ['Auto-Submitted: auto-replied'],
      ['Precedence: bulk'],
      ['Precedence: list'],
      ['List-Id: <talk.example.org>'],
      ['List-Unsubscribe: <mailto:x@example.org>'],
    ])
      assert.equal(
        isAutoSubmitted(await headersOf(extra), 'a@example.org', 'a@example.org'),
        true,
        extra[0],
      );
    assert.equal(isAutoSubmitted(await headersOf([]), null, 'a@example.org'), true, 'null sender');
    assert.equal(
      isAutoSubmitted(await headersOf([]), 'x@example.org', 'MAILER-DAEMON@example.org'),
      true,
    );
    assert.equal(
      isAutoSubmitted(await headersOf(['Auto-Submitted: no']), 'a@example.org', 'a@example.org'),
      false,
    );
    assert.equal(isAutoSubmitted(await headersOf([]), 'a@example.org', 'a@example.org'), false);
  });
});
