import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { memberPortalClient, TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  codeIn,
  decryptText,
  DOMAIN,
  makeKey,
  memberWithAccount,
} from '../../test/support/keys.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember, getMember } from '../members/index.ts';
import { listKeys } from './keys.service.ts';
import { wkdHash } from './zbase32.ts';

const KEY_URL = `/.well-known/openpgpkey/hu/${wkdHash('ada')}`;

function challengeIn(html: string): string {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(html)?.[0];
  assert.ok(armored, 'the page shows the encrypted code');
  return armored;
}

for (const dialect of TEST_DIALECTS) {
  describe(`key pages (${dialect})`, () => {
    let t: TestApp;
    let memberId: string;
    let ada: Awaited<ReturnType<typeof makeKey>>;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      memberId = await memberWithAccount(t, 'ada', '42', 'ada@example.org');
      ada = await makeKey([{ name: 'Ada', email: `ada@${DOMAIN}` }], t.clock.now());
    });
    afterEach(() => t.close());

    test('a member uploads a key, decrypts the code, publishes with consent to the fingerprint, and removes it', async () => {
      const member = await memberPortalClient(t, 'ada@example.org');
      const home = await (await member.get('/me')).text();
      assert.match(home, /href="\/me\/keys"/);
      const page = await (await member.get('/me/keys')).text();
      assert.match(page, new RegExp(`ada@${DOMAIN}`));
      const upload = await member.upload('/me/keys', 'file', 'ada.asc', ada.armored);
      assert.equal(upload.status, 200);
      const html = await upload.text();
      const code = codeIn(await decryptText(challengeIn(html), ada.privateKey, t.clock.now()));
      assert.equal((await t.app.request(KEY_URL)).status, 404, 'not before the proof');
      const wrong = await member.post('/me/keys/confirm', { code: 'y'.repeat(32) });
      assert.equal(wrong.status, 422);
      assert.match(await wrong.text(), /Dieser Code stimmt nicht/);
      const confirmed = await member.post('/me/keys/confirm', { code, recordFingerprint: '1' });
      const confirmedHtml = await confirmed.text();
      assert.match(confirmedHtml, /Dein Schlüssel ist veröffentlicht/);
      assert.match(confirmedHtml, /Fingerabdruck steht jetzt in den Mitgliedsdaten/);
      const fingerprint = ada.publicKey.getFingerprint().toUpperCase();
      assert.equal(
        (await getMember(t.deps, { includeRestricted: false }, memberId)).openpgpFingerprint,
        fingerprint,
      );
      const served = await t.app.request(KEY_URL);
      assert.equal(served.status, 200, 'the in-process directory is refreshed at once');

      const removed = await member.post('/me/keys/remove', { confirm: 'yes' });
      assert.match(await removed.text(), /entfernt/);
      assert.equal((await t.app.request(KEY_URL)).status, 404);
    });

    test('a refused key shows a clear message in German and English and changes nothing', async () => {
      const member = await memberPortalClient(t, 'ada@example.org');
      await member.get('/me/keys');
      const secret = await member.post('/me/keys', { key: ada.privateKey.armor() });
      assert.equal(secret.status, 422);
      assert.match(await secret.text(), /geheimer \(privater\) Schlüssel/);
      await member.get('/me/keys?lang=en');
      const garbage = await member.post('/me/keys', { key: 'this is not a key' });
      assert.match(await garbage.text(), /not a readable OpenPGP public key/);
      const stranger = await makeKey([{ email: 'someone@example.org' }], t.clock.now());
      const mismatch = await member.post('/me/keys', { key: stranger.armored });
      assert.match(await mismatch.text(), /no user ID with your club address/);
      assert.deepEqual(await listKeys(t.deps, 'pending'), []);
      assert.deepEqual(await listKeys(t.deps), []);
    });

    test('a member without an account is told how to get a club address', async () => {
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '44', email: 'carl@example.org' }),
      );
      const carl = await memberPortalClient(t, 'carl@example.org');
      const page = await (await carl.get('/me/keys')).text();
      assert.match(page, /aktiven Account mit E-Mail/);
      assert.doesNotMatch(page, /name="key"/);
    });

    test("an admin publishes at a member's request with the member's proof, and removes the key", async () => {
      const admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
      const list = await (await admin.get('/admin/keys')).text();
      assert.match(list, /noch kein Schlüssel/);
      assert.match(list, /href="\/admin\/keys"/, 'the admin navigation links the page');
      const upload = await admin.upload('/admin/keys', 'file', 'ada.asc', ada.publicKey.write(), {
        memberNumber: '42',
      });
      assert.equal(upload.status, 200);
      const mail = t.mail.sent.findLast((m) => m.to === `ada@${DOMAIN}`);
      assert.ok(mail, 'the code goes encrypted to the club address');
      const code = codeIn(await decryptText(challengeIn(mail.text), ada.privateKey, t.clock.now()));
      const confirmed = await admin.post('/admin/keys/confirm', { memberId, code });
      assert.match(await confirmed.text(), /Der Schlüssel ist veröffentlicht/);
      const [entry] = await listKeys(t.deps);
      assert.equal(entry?.key.source, 'admin');
      assert.equal(
        (await getMember(t.deps, { includeRestricted: false }, memberId)).openpgpFingerprint,
        null,
      );
      const page = await (await admin.get('/admin/keys')).text();
      assert.match(page, /Ada Lovelace \(42\)/);
      const notConfirmed = await admin.post(`/admin/keys/${entry?.key.id ?? ''}/remove`, {});
      assert.equal(notConfirmed.status, 422);
      const removed = await admin.post(`/admin/keys/${entry?.key.id ?? ''}/remove`, {
        confirm: 'yes',
      });
      assert.match(await removed.text(), /Der Schlüssel ist entfernt/);
      assert.deepEqual(await listKeys(t.deps), []);
    });

    test('only admins see the admin page; members only their own key', async () => {
      const board = new TestClient(t.app);
      await board.login('board', await addUser(t.deps, 'board', ['board']));
      assert.equal((await board.get('/admin/keys')).status, 403);
      const visitor = new TestClient(t.app);
      const anonymous = await visitor.get('/me/keys');
      assert.equal(anonymous.status, 303);
    });
  });
}
