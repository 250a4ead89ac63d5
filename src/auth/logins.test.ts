import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { deleteUser, disableUser, enableUser, listUsers } from './index.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`the end of a board, treasurer or admin login (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    const auditEvents = async (objectId: string) =>
      (
        await t.deps.db
          .selectFrom('audit_events')
          .select('event')
          .where('object_id', '=', objectId)
          .orderBy('id')
          .execute()
      ).map((row) => row.event);
    const userId = async (username: string) =>
      (await listUsers(t.deps.db)).find((user) => user.username === username)?.id ?? '';

    test('a disabled login cannot log in, and its open sessions end at once', async () => {
      await addUser(t.deps, 'root', ['admin']);
      const password = await addUser(t.deps, 'kasse', ['treasurer']);
      const browser = new TestClient(t.app);
      await browser.login('kasse', password);
      assert.equal((await browser.get('/admin/members')).status, 200);

      await disableUser(t.deps, CLI_ACTOR, 'kasse');
      assert.notEqual((await browser.get('/admin/members')).status, 200, 'the session ended');
      const sessions = await t.deps.db.selectFrom('sessions').select('id').execute();
      assert.equal(sessions.length, 0);
      await assert.rejects(new TestClient(t.app).login('kasse', password), /failed with 4/);

      await enableUser(t.deps, CLI_ACTOR, 'kasse');
      await new TestClient(t.app).login('kasse', password);
      assert.deepEqual(await auditEvents(await userId('kasse')), [
        'auth.user.created',
        'auth.user.disabled',
        'auth.user.enabled',
      ]);
    });

    test('deletes a login with its password hash and sessions when the office ends; the audit keeps only its id', async () => {
      await addUser(t.deps, 'root', ['admin']);
      const password = await addUser(t.deps, 'vorstand', ['board']);
      const browser = new TestClient(t.app);
      await browser.login('vorstand', password);
      const id = await userId('vorstand');

      await deleteUser(t.deps, CLI_ACTOR, 'vorstand');
      assert.deepEqual(
        (await listUsers(t.deps.db)).map((user) => user.username),
        ['root'],
      );
      assert.equal((await t.deps.db.selectFrom('sessions').select('id').execute()).length, 0);
      assert.notEqual((await browser.get('/admin/members')).status, 200);
      assert.deepEqual(await auditEvents(id), ['auth.user.created', 'auth.user.deleted']);
      await assert.rejects(deleteUser(t.deps, CLI_ACTOR, 'vorstand'), /No login vorstand/);
    });

    test('refuses to disable or delete the last admin who can log in', async () => {
      await addUser(t.deps, 'root', ['admin']);
      await addUser(t.deps, 'zweit', ['admin', 'board']);
      await disableUser(t.deps, CLI_ACTOR, 'zweit');
      await assert.rejects(disableUser(t.deps, CLI_ACTOR, 'root'), {
        code: 'last_admin',
        message: /root is the last admin login that can log in: add another admin first/,
      });
      await assert.rejects(deleteUser(t.deps, CLI_ACTOR, 'root'), { code: 'last_admin' });
      // A disabled admin does not keep the installation reachable, so it may go.
      await deleteUser(t.deps, CLI_ACTOR, 'zweit');
      assert.deepEqual(
        (await listUsers(t.deps.db)).map((user) => [user.username, user.disabledAt]),
        [['root', null]],
      );
    });

    test('of two admins disabled at the same moment, one stays', async () => {
      await addUser(t.deps, 'root', ['admin']);
      await addUser(t.deps, 'zweit', ['admin']);
      const results = await Promise.allSettled([
        disableUser(t.deps, CLI_ACTOR, 'root'),
        disableUser(t.deps, CLI_ACTOR, 'zweit'),
      ]);
      assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
      const enabled = (await listUsers(t.deps.db)).filter((user) => user.disabledAt === null);
      assert.equal(enabled.length, 1);
    });

    test('the admin page disables, enables and deletes logins, each confirmed', async () => {
      const admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
      await addUser(t.deps, 'kasse', ['treasurer']);
      const page = await (await admin.get('/admin/users?lang=en')).text();
      assert.match(page, /action="\/admin\/users\/kasse\/disable"/);
      assert.match(page, /action="\/admin\/users\/kasse\/delete"/);

      const unconfirmed = await admin.post('/admin/users/kasse/disable', {});
      assert.equal(unconfirmed.status, 422);
      assert.match(await unconfirmed.text(), /Please tick the box to confirm/);
      assert.equal(
        (await listUsers(t.deps.db)).find((u) => u.username === 'kasse')?.disabledAt,
        null,
      );

      const disabled = await admin.post('/admin/users/kasse/disable', { confirm: 'yes' });
      assert.equal(disabled.status, 200);
      assert.match(await disabled.text(), /The login kasse is disabled; its sessions have ended/);
      const enabled = await admin.post('/admin/users/kasse/enable', {});
      assert.match(await enabled.text(), /The login kasse can log in again/);

      const last = await admin.post('/admin/users/root/delete', { confirm: 'yes' });
      assert.equal(last.status, 409);
      assert.match(await last.text(), /root is the last admin login that can log in/);

      const deleted = await admin.post('/admin/users/kasse/delete', { confirm: 'yes' });
      assert.match(await deleted.text(), /The login kasse is deleted/);
      assert.deepEqual(
        (await listUsers(t.deps.db)).map((user) => user.username),
        ['root'],
      );
      const [event] = await t.deps.db
        .selectFrom('audit_events')
        .select(['actor_type', 'actor_id'])
        .where('event', '=', 'auth.user.deleted')
        .execute();
      assert.deepEqual(event, { actor_type: 'user', actor_id: await userId('root') });
    });
  });
}
