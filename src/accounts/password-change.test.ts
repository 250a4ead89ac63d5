import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { memberPortalClient, TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import {
  createAccount,
  getAccountByUsername,
  sendPasswordLink,
  setAccountPassword,
  type Account,
} from './accounts.service.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a different horse staple';

for (const dialect of TEST_DIALECTS) {
  describe(`password changes end sessions and links (${dialect})`, () => {
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

    test('changing the password in the portal asks for the current one and ends the other sessions', async () => {
      const other = await passwordClient();
      const self = await memberPortalClient(t, 'ada@example.org', '/me/account');
      assert.match(await (await self.get('/me/account')).text(), /name="current"/);
      const missing = await self.post('/me/account/password', {
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(missing.status, 422);
      const wrong = await self.post('/me/account/password', {
        current: 'not the password',
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(wrong.status, 422);
      assert.equal(await loggedIn(other), true);
      const changed = await self.post('/me/account/password', {
        current: PASSWORD,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(changed.status, 200);
      assert.equal(await loggedIn(self), true);
      assert.equal(await loggedIn(other), false);
      await passwordClient(NEW_PASSWORD);
    });

    test('setting the password on the command line ends every portal session of the member', async () => {
      const byPassword = await passwordClient();
      const byLink = await memberPortalClient(t, 'ada@example.org');
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, NEW_PASSWORD);
      assert.equal(await loggedIn(byPassword), false);
      assert.equal(await loggedIn(byLink), false);
    });

    test('a password link used makes the other links of the account void', async () => {
      await sendPasswordLink(t.deps, account);
      await sendPasswordLink(t.deps, account);
      const links = t.mail.sent
        .map((mail) => /(\/account\/password\/[A-Za-z0-9_-]{43})/.exec(mail.text)?.[1])
        .filter((link): link is string => link !== undefined);
      const [first, second] = links.slice(-2);
      assert.ok(first && second && first !== second);
      const visitor = new TestClient(t.app);
      assert.equal((await visitor.get(second)).status, 200);
      const used = await visitor.post(second, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      assert.equal(used.status, 200);
      assert.equal((await visitor.get(first)).status, 404);
      const late = await visitor.post(first, { password: PASSWORD, confirm: PASSWORD });
      assert.equal(late.status, 404);
      assert.notEqual((await getAccountByUsername(t.deps, 'ada')).passwordHash, null);
      await passwordClient(NEW_PASSWORD);
    });
  });
}
