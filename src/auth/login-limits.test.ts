import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  createAccount,
  internalApp,
  setAccountPassword,
  xmppAuthSecret,
} from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of TEST_DIALECTS) {
  describe(`login limits (${dialect})`, () => {
    let t: TestApp;
    let client: TestClient;
    let accountId: string;
    const login = (username: string, password: string, address?: string) =>
      client.post(
        '/login',
        { username, password },
        address ? { headers: { 'x-forwarded-for': `203.0.113.250, ${address}` } } : {},
      );
    beforeEach(async () => {
      t = await createTestApp(dialect, {
        configEdit: (yaml) => yaml.replace('  port: 8080\n', '  port: 8080\n  trustProxy: true\n'),
      });
      client = new TestClient(t.app);
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      accountId = (await createAccount(t.deps, CLI_ACTOR, member.id, 'ada')).account.id;
      await setAccountPassword(t.deps, CLI_ACTOR, accountId, PASSWORD);
      await client.get('/login');
    });
    afterEach(() => t.close());

    test('refuses password guesses for a name after the 5th failure, with 429 and Retry-After', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) {
        const response = await login('ada', `wrong guess ${i}`);
        statuses.push(response.status);
        if (i >= 5) {
          assert.equal(response.status, 429, `guess ${i + 1}`);
          assert.equal(response.headers.get('retry-after'), '1');
          assert.match(await response.text(), /Too many failed logins|Zu viele fehlgeschlagene/);
        }
      }
      assert.equal(statuses.filter((status) => status === 401).length, 5);
      const german = await client.post(
        '/login?lang=de',
        { username: 'ada', password: 'x' },
        { headers: { 'accept-language': 'de' } },
      );
      assert.match(await german.text(), /Zu viele fehlgeschlagene Anmeldungen/);
    });

    test('concurrent guesses cannot pass the limit', async () => {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => login('ada', `wrong guess ${i}`)),
      );
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 401).length, 5);
      assert.equal(statuses.filter((status) => status === 429).length, 45);
    });

    test('answers a throttled unknown name exactly as a throttled member', async () => {
      for (let i = 0; i < 5; i++) {
        await login('ada', `wrong ${i}`);
        await login('nobodyhere', `wrong ${i}`);
      }
      const known = await login('ada', PASSWORD);
      const unknown = await login('nobodyhere', PASSWORD);
      assert.equal(known.status, 429);
      assert.equal(unknown.status, 429);
      assert.equal(known.headers.get('retry-after'), unknown.headers.get('retry-after'));
      const strip = (html: string) =>
        html.replace(/name="_csrf" value="[^"]+"/, '').replace(/value="(ada|nobodyhere)"/, '');
      assert.equal(strip(await known.text()), strip(await unknown.text()));
    });

    test('the owner logs in again after the backoff, which never exceeds five minutes', async () => {
      for (let i = 0; i < 5; i++) await login('ada', `wrong ${i}`, '198.51.100.1');
      const early = await login('ada', PASSWORD, '192.0.2.77');
      assert.equal(early.status, 429);
      // An attacker keeps guessing from many addresses whenever the wait is over.
      let longest = 0;
      for (let round = 0; round < 20; round++) {
        const refused = await login('ada', 'still wrong', `198.51.100.${round + 2}`);
        const wait = Number(refused.headers.get('retry-after'));
        longest = Math.max(longest, wait);
        t.clock.advance(wait * 1000);
        assert.equal((await login('ada', 'still wrong', `198.51.100.${round + 2}`)).status, 401);
      }
      assert.equal(longest, 300);
      t.clock.advance(300_000);
      const owner = await login('ada', PASSWORD, '192.0.2.77');
      assert.equal(owner.status, 303);
      // Success resets the name: the next typo is free again.
      await client.get('/login');
      assert.equal((await login('ada', 'typo', '192.0.2.77')).status, 401);
    });

    test('an address that guesses many names is refused, other addresses are not', async () => {
      for (let i = 0; i < 10; i++)
        assert.equal((await login(`name${i}`, 'guess', '198.51.100.9')).status, 401);
      const refused = await login('ada', PASSWORD, '198.51.100.9');
      assert.equal(refused.status, 429);
      assert.equal((await login('ada', PASSWORD, '192.0.2.77')).status, 303);
    });

    test('guesses over XMPP count against the web login of the same name', async () => {
      const xmpp = internalApp(t.deps, { failureDelayMs: 0 });
      for (let i = 0; i < 5; i++) {
        const response = await xmpp.request('http://127.0.0.1:8471/internal/xmpp/auth', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${xmppAuthSecret(t.deps.secret)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            username: 'ada',
            host: 'chaostreff-osnabrueck.de',
            password: `wrong ${i}`,
          }),
        });
        assert.equal(response.status, 401);
      }
      assert.equal((await login('ada', PASSWORD)).status, 429);
    });

    test('audits a lockout once, with ids only', async () => {
      const boardPassword = await addUser(t.deps, 'vorstand', ['board']);
      for (let i = 0; i < 8; i++) {
        await login('ada', `wrong ${i}`, '198.51.100.3');
        await login('vorstand', `wrong ${i}`, '198.51.100.3');
      }
      const rows = await t.deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'auth.login.throttled')
        .orderBy('occurred_at')
        .execute();
      const users = await t.deps.db.selectFrom('users').select(['id', 'username']).execute();
      const boardId = users.find((user) => user.username === 'vorstand')?.id;
      assert.deepEqual(
        rows.map((row) => [row.object_id, row.fields, row.actor_type]).sort(),
        [
          [accountId, '["name"]', 'system'],
          [boardId, '["name"]', 'system'],
          [null, '["address"]', 'system'],
        ].sort(),
      );
      // Ids are random hex, which may spell "ada" by chance: look at everything else.
      const text = JSON.stringify(
        rows.map(({ id, actor_id, object_id, ...rest }) => ({
          ...rest,
          ids: [id, actor_id, object_id].length,
        })),
      );
      for (const secret of ['198.51.100', 'wrong', 'ada', 'vorstand', boardPassword])
        assert.equal(text.includes(secret), false, secret);
    });
  });
}
