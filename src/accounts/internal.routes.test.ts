import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import {
  createAccount,
  disableAccount,
  setAccountPassword,
  setAccountServices,
} from './accounts.service.ts';
import { internalApp } from './internal.routes.ts';
import { xmppAuthSecret } from './sync.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of TEST_DIALECTS) {
  describe(`internal XMPP password check (${dialect})`, () => {
    let t: TestApp;
    let app: ReturnType<typeof internalApp>;
    let accountId: string;
    const ask = (body: unknown, secret = xmppAuthSecret(t.deps.secret)) =>
      app.request('http://127.0.0.1:8471/internal/xmpp/auth', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    beforeEach(async () => {
      t = await createTestApp(dialect);
      app = internalApp(t.deps, { failureDelayMs: 20 });
      const member = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ email: 'ada@example.org' }),
      );
      accountId = (await createAccount(t.deps, CLI_ACTOR, member.id, 'ada')).account.id;
      await setAccountPassword(t.deps, CLI_ACTOR, accountId, PASSWORD);
    });
    afterEach(() => t.close());

    test('accepts the right password and refuses a wrong one', async () => {
      const good = await ask({
        username: 'ada',
        host: 'chaostreff-osnabrueck.de',
        password: PASSWORD,
      });
      assert.equal(good.status, 200);
      assert.deepEqual(await good.json(), { ok: true });
      const bad = await ask({
        username: 'ada',
        host: 'chaostreff-osnabrueck.de',
        password: 'wrong horse battery',
      });
      assert.equal(bad.status, 401);
      assert.equal(
        (await ask({ username: 'eve', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        401,
      );
      assert.equal(
        (await ask({ username: 'ada', host: 'example.org', password: PASSWORD })).status,
        401,
      );
    });

    test('refuses a request without the shared secret or with a malformed body', async () => {
      assert.equal(
        (
          await ask(
            { username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD },
            'guess',
          )
        ).status,
        403,
      );
      assert.equal((await ask({ username: 'ada' })).status, 400);
      assert.equal((await ask('not json')).status, 400);
      const noHeader = await app.request('http://127.0.0.1:8471/internal/xmpp/auth', {
        method: 'POST',
        body: '{}',
      });
      assert.equal(noHeader.status, 403);
    });

    test('refuses a disabled account and an account without XMPP', async () => {
      await setAccountServices(t.deps, CLI_ACTOR, accountId, {
        shell: false,
        mail: true,
        xmpp: false,
      });
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        401,
      );
      await setAccountServices(t.deps, CLI_ACTOR, accountId, {
        shell: false,
        mail: true,
        xmpp: true,
      });
      await disableAccount(t.deps, CLI_ACTOR, accountId);
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        401,
      );
    });

    test('stops checking a username after ten failures in ten minutes', async () => {
      for (let i = 0; i < 10; i++)
        await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: `wrong ${i}` });
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        401,
      );
      t.clock.advance(11 * 60 * 1000);
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        200,
      );
    });
  });
}

test('the public web app has no internal endpoint', async () => {
  const t = await createTestApp('sqlite');
  try {
    const response = await t.app.request('http://127.0.0.1:8080/internal/xmpp/auth', {
      method: 'POST',
      body: '{}',
    });
    assert.notEqual(response.status, 200);
    assert.notEqual(response.status, 401);
  } finally {
    await t.close();
  }
});
