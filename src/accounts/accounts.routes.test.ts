import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { memberPortalClient, TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import { findAccountByUsername } from './accounts.repo.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of TEST_DIALECTS) {
  describe(`account pages (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    });
    afterEach(() => t.close());

    test('a member requests an account, the admin approves, the member sets the password by link and logs in with it', async () => {
      const member = await memberPortalClient(t, 'ada@example.org', '/me/account');
      const requested = await member.post('/me/account/request', { username: 'ada' });
      assert.match(await requested.text(), /Dein Antrag ist eingegangen/);
      assert.equal((await findAccountByUsername(t.deps.db, 'ada'))?.status, 'requested');

      const list = await (await admin.get('/admin/accounts')).text();
      assert.match(list, /ada.*Ada Lovelace \(42\)/s);
      const account = await findAccountByUsername(t.deps.db, 'ada');
      assert.match(
        await (await admin.post(`/admin/accounts/${account?.id ?? ''}/approve`)).text(),
        /freigegeben/,
      );

      const mail = t.mail.sent.findLast((m) => m.to === 'ada@example.org');
      const link = /(\/account\/password\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] ?? '';
      const visitor = new TestClient(t.app);
      const form = await visitor.get(link);
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('set-cookie'), null);
      const mismatch = await visitor.post(link, {
        password: PASSWORD,
        confirm: 'something else entirely',
      });
      assert.equal(mismatch.status, 422);
      const weak = await visitor.post(link, {
        password: 'ﬁligree password',
        confirm: 'ﬁligree password',
      });
      assert.match(await weak.text(), /SASLprep/);
      assert.match(
        await (await visitor.post(link, { password: PASSWORD, confirm: PASSWORD })).text(),
        /Dein Passwort ist gespeichert/,
      );
      assert.equal(
        (await visitor.post(link, { password: PASSWORD, confirm: PASSWORD })).status,
        404,
        'single use',
      );

      const login = new TestClient(t.app);
      await login.get('/login');
      const response = await login.post('/login', { username: 'ada', password: PASSWORD });
      assert.equal(response.status, 303);
      assert.equal((await login.get('/home')).headers.get('location'), '/me');
      assert.match(await (await login.get('/me/account')).text(), /ada@chaostreff-osnabrueck\.de/);
    });

    test('the admin creates, disables, enables and deletes an account, and switches its services', async () => {
      await admin.get('/admin/accounts');
      const created = await admin.post('/admin/accounts', {
        memberNumber: '42',
        username: 'ada',
        mail: '1',
        xmpp: '1',
      });
      assert.match(await created.text(), /angelegt/);
      const id = (await findAccountByUsername(t.deps.db, 'ada'))?.id ?? '';
      await admin.post(`/admin/accounts/${id}/services`, { shell: '1', mail: '1' });
      assert.deepEqual((await findAccountByUsername(t.deps.db, 'ada'))?.services, {
        shell: true,
        mail: true,
        xmpp: false,
      });
      await admin.post(`/admin/accounts/${id}/disable`);
      assert.equal((await findAccountByUsername(t.deps.db, 'ada'))?.status, 'disabled');
      await admin.post(`/admin/accounts/${id}/enable`);
      assert.equal((await findAccountByUsername(t.deps.db, 'ada'))?.status, 'active');
      const unconfirmed = await admin.post(`/admin/accounts/${id}/delete`);
      assert.equal(unconfirmed.status, 422);
      assert.ok(await findAccountByUsername(t.deps.db, 'ada'));
      await admin.post(`/admin/accounts/${id}/delete`, { confirm: 'yes' });
      assert.equal(await findAccountByUsername(t.deps.db, 'ada'), undefined);
      const taken = await admin.post('/admin/accounts', {
        memberNumber: '42',
        username: 'root',
        mail: '1',
      });
      assert.equal(taken.status, 422);
      assert.match(await taken.text(), /reserviert|reserved/);
    });

    test('a member changes the password and SSH keys only of the own account; the board cannot manage accounts', async () => {
      const member = await memberPortalClient(t, 'ada@example.org', '/me/account');
      await admin.get('/admin/accounts');
      await admin.post('/admin/accounts', {
        memberNumber: '42',
        username: 'ada',
        shell: '1',
        mail: '1',
      });
      await member.get('/me/account');
      assert.match(
        await (
          await member.post('/me/account/password', { password: PASSWORD, confirm: PASSWORD })
        ).text(),
        /gespeichert/,
      );
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9tT0NHIGF1dGggdGVzdCBrZXk laptop';
      assert.match(
        await (await member.post('/me/account/ssh-keys', { keys: key })).text(),
        /Schlüssel sind gespeichert/,
      );
      assert.equal((await member.post('/me/account/ssh-keys', { keys: 'not a key' })).status, 422);
      assert.deepEqual((await findAccountByUsername(t.deps.db, 'ada'))?.sshKeys, [key]);
      assert.equal((await member.get('/admin/accounts')).status, 403);
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      assert.equal((await board.get('/admin/accounts')).status, 403);
    });
  });
}
