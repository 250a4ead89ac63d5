import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { createAccount, setAccountPassword } from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { OutgoingMail } from '../core/mail/mailer.ts';
import type { PasswordHasher } from '../core/password.ts';
import { createMember } from '../members/index.ts';

function counting<H extends PasswordHasher>(hasher: H): { hasher: H; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    hasher: {
      ...hasher,
      verify: (hash: string, password: string) => {
        calls.push(hash);
        return hasher.verify(hash, password);
      },
    },
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`logins reveal nothing by their answer or their work (${dialect})`, () => {
    let t: TestApp;
    let client: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      client = new TestClient(t.app);
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      const account = (await createAccount(t.deps, CLI_ACTOR, member.id, 'ada')).account;
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, 'correct horse battery');
      await addUser(t.deps, 'vorstand', ['board']);
      await t.settle();
    });
    afterEach(() => t.close());

    test('every failed password login runs one web and one account hash check, whoever the name', async () => {
      const web = counting(t.deps.hasher);
      const account = counting(t.deps.accountHasher);
      t.deps.hasher = web.hasher;
      t.deps.accountHasher = account.hasher;
      await client.get('/login');
      const answers: string[] = [];
      for (const username of ['nobodyhere', 'vorstand', 'ada']) {
        web.calls.length = 0;
        account.calls.length = 0;
        const response = await client.post('/login', { username, password: 'a wrong password' });
        assert.equal(response.status, 401, username);
        answers.push((await response.text()).replace(/value="[^"]*"/g, ''));
        assert.equal(web.calls.length, 1, `${username}: web hash checks`);
        assert.equal(account.calls.length, 1, `${username}: account hash checks`);
      }
      assert.equal(new Set(answers).size, 1);
    });

    test(
      'the member login answers before any mail goes out, the same for known and unknown addresses',
      { timeout: 20_000 },
      async () => {
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const sent: OutgoingMail[] = [];
        t.deps.mailer = {
          send: async (mail) => {
            await gate;
            sent.push(mail);
          },
        };
        const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
        await client.get('/login/member');
        const known = await client.post('/login/member', { email: 'ada@example.org' });
        await client.get('/login/member');
        const unknown = await client.post('/login/member', { email: 'eve@example.org' });
        assert.equal(known.status, 200);
        assert.equal(unknown.status, 200);
        assert.equal(strip(await known.text()), strip(await unknown.text()));
        assert.equal(sent.length, 0);
        release();
        await t.settle();
        assert.deepEqual(
          sent.map((mail) => mail.to),
          ['ada@example.org'],
        );
      },
    );

    test('a failing mail transport does not change the answer', async () => {
      t.deps.mailer = { send: () => Promise.reject(new Error('smtp down')) };
      await client.get('/login/member');
      const known = await client.post('/login/member', { email: 'ada@example.org' });
      assert.equal(known.status, 200);
      await t.settle();
    });
  });
}
