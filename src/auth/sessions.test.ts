import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { createAccount, setAccountPassword, type Account } from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of TEST_DIALECTS) {
  describe(`sessions and links (${dialect})`, () => {
    let t: TestApp;
    let account: Account;
    const loggedIn = async (client: TestClient) => (await client.get('/me')).status === 200;
    const passwordClient = async (password = PASSWORD) => {
      const client = new TestClient(t.app);
      await client.login('ada', password);
      return client;
    };
    beforeEach(async () => {
      t = await createTestApp(dialect);
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      account = (await createAccount(t.deps, CLI_ACTOR, member.id, 'ada')).account;
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, PASSWORD);
    });
    afterEach(() => t.close());

    test("logging in again ends the browser's previous session", async () => {
      const client = await passwordClient();
      const before = new Map(client.cookies);
      await client.login('ada', PASSWORD);
      assert.notDeepEqual(client.cookies, before);
      const stale = new TestClient(t.app);
      stale.cookies = before;
      assert.equal(await loggedIn(stale), false);
      assert.equal(await loggedIn(client), true);
      // The same holds for a login link.
      const linked = new TestClient(t.app);
      linked.cookies = new Map(client.cookies);
      const previous = new Map(client.cookies);
      await linked.get('/login/member');
      await linked.post('/login/member', { email: 'ada@example.org' });
      await t.settle();
      const mail = t.mail.sent.findLast((sent) => sent.to === 'ada@example.org');
      const link = /(\/login\/link\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] ?? '';
      await linked.get(link);
      assert.equal((await linked.post(link)).status, 303);
      const old = new TestClient(t.app);
      old.cookies = previous;
      assert.equal(await loggedIn(old), false);
    });

    test('a login goes on only to a path of this site, never to another host, never a 500', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      for (const next of [
        '/\t/evil.example',
        '/\n/evil.example',
        '//evil.example',
        '/\\evil.example',
        '/%5cevil.example',
        '/.//evil.example',
        '/admin/../..//evil.example',
        'https://evil.example',
        '/%0d%0aSet-Cookie:x=y',
        '/ok\r\nLocation: https://evil.example',
        ' /admin',
        `/${'a'.repeat(5000)}`,
      ]) {
        const form = await new TestClient(t.app).get(`/login?next=${encodeURIComponent(next)}`);
        assert.equal(form.status, 200, JSON.stringify(next));
        assert.match(await form.text(), /name="next" value=""/, JSON.stringify(next));
        const client = new TestClient(t.app);
        await client.get('/login');
        const response = await client.post('/login', { username: 'vorstand', password, next });
        assert.equal(response.status, 303, JSON.stringify(next));
        assert.equal(response.headers.get('location'), '/home', JSON.stringify(next));
      }
      const client = new TestClient(t.app);
      await client.get('/login');
      const good = await client.post('/login', {
        username: 'vorstand',
        password,
        next: '/admin/members?q=M%C3%BCller#top',
      });
      assert.equal(good.headers.get('location'), '/admin/members?q=M%C3%BCller#top');
    });
  });
}
