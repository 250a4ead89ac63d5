import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import {
  createAccount,
  disableAccount,
  getAccountByUsername,
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

    test('reports the time of the password hash in Server-Timing, on success and failure', async () => {
      for (const password of [PASSWORD, 'wrong horse battery']) {
        const started = performance.now();
        const answer = await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password });
        const took = performance.now() - started;
        const hash = Number(
          /^hash;dur=([\d.]+)$/.exec(answer.headers.get('server-timing') ?? '')?.[1],
        );
        assert.ok(hash > 0 && hash <= took, `hash ${hash} ms of ${took} ms`);
      }
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

    test('stops checking a username after five failures until the wait is over', async () => {
      for (let i = 0; i < 5; i++)
        await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: `wrong ${i}` });
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        401,
      );
      t.clock.advance(1000);
      assert.equal(
        (await ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: PASSWORD }))
          .status,
        200,
      );
    });

    test('concurrent guesses cannot pass the per-name limit', async () => {
      const real = t.deps.accountHasher;
      let checks = 0;
      t.deps.accountHasher = {
        ...real,
        verify: (hash, password) => {
          checks++;
          return real.verify(hash, password);
        },
      };
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          Promise.resolve(
            ask({ username: 'ada', host: 'chaostreff-osnabrueck.de', password: `wrong ${i}` }),
          ),
        ),
      );
      assert.ok(responses.every((response) => response.status === 401));
      assert.equal(checks, 5);
    });
  });
}

test('10,001 failing usernames do not clear the wait of an attacked one', async () => {
  const t = await createTestApp('sqlite');
  try {
    const app = internalApp(t.deps, { failureDelayMs: 0 });
    const member = await createMember(t.deps, CLI_ACTOR, memberInput());
    const accountId = (await createAccount(t.deps, CLI_ACTOR, member.id, 'ada')).account.id;
    await setAccountPassword(t.deps, CLI_ACTOR, accountId, PASSWORD);
    const adaHash = (await getAccountByUsername(t.deps, 'ada')).passwordHash;
    // Unknown names cost a yescrypt check against a dummy hash; skipping that work keeps 10,001
    // requests fast, and only the limiter is under test here.
    const real = t.deps.accountHasher;
    t.deps.accountHasher = {
      ...real,
      verify: (hash, password) =>
        hash === adaHash ? real.verify(hash, password) : Promise.resolve(false),
    };
    const ask = (username: string, password: string) =>
      app.request('http://127.0.0.1:8471/internal/xmpp/auth', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${xmppAuthSecret(t.deps.secret)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ username, host: 'chaostreff-osnabrueck.de', password }),
      });
    for (let i = 0; i < 10; i++) await ask('ada', `wrong ${i}`);
    for (let start = 0; start < 10_001; start += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, 10_001 - start) }, (_, i) =>
          Promise.resolve(ask(`spray${start + i}`, 'guess')),
        ),
      );
    }
    assert.equal((await ask('ada', PASSWORD)).status, 401);
    assert.ok(t.deps.loginLimits.name.size <= t.deps.loginLimits.name.rule.capacity);
  } finally {
    await t.close();
  }
});

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
