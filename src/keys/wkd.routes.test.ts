import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { getRequestListener, serve, type ServerType } from '@hono/node-server';
import wkdClient from '@openpgp/wkd-client';
import * as openpgp from 'openpgp';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  DOMAIN,
  makeKey,
  memberWithAccount,
  SUBMISSION,
  withWks,
} from '../../test/support/keys.ts';
import { disableAccount, getAccountByUsername } from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { updateMember } from '../members/index.ts';
import { createKeyDirectory } from './directory.ts';
import { wkdNodeListenerOf } from './keys.routes.tsx';
import { publishKeyDirectly } from './keys.service.ts';
import { wkdHandler } from './wkd.routes.ts';
import { wkdHash } from './zbase32.ts';

const ORIGIN = 'http://127.0.0.1:8080';
const DIRECT = `${ORIGIN}/.well-known/openpgpkey`;
const ADVANCED = `${ORIGIN}/.well-known/openpgpkey/${DOMAIN}`;
const ADA_HASH = wkdHash('ada');
// The package is CommonJS (`module.exports = WKD`) typed as an ES module: its default import is
// the class itself.
const WKD = wkdClient as unknown as typeof wkdClient.default;

for (const dialect of TEST_DIALECTS) {
  describe(`WKD over HTTP (${dialect})`, () => {
    let t: TestApp;
    let ada: Awaited<ReturnType<typeof makeKey>>;
    let fingerprint: string;
    beforeEach(async () => {
      t = await createTestApp(dialect, { configEdit: withWks });
      await memberWithAccount(t, 'ada');
      ada = await makeKey(
        [{ name: 'Ada', email: `ada@${DOMAIN}` }, { email: 'ada@example.org' }],
        t.clock.now(),
      );
      const result = await publishKeyDirectly(t.deps, CLI_ACTOR, `ada@${DOMAIN}`, ada.armored, {
        recordFingerprint: false,
      });
      if ('kind' in result) throw new Error('unreachable');
      fingerprint = result.key.fingerprint;
    });
    afterEach(() => t.close());

    const get = (url: string, init: RequestInit = {}) => t.app.request(url, init);

    test('serves the binary, minimised key by the direct and the advanced method', async () => {
      for (const base of [DIRECT, ADVANCED]) {
        const response = await get(`${base}/hu/${ADA_HASH}?l=ada`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'application/octet-stream');
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        assert.equal(response.headers.get('set-cookie'), null);
        const body = new Uint8Array(await response.arrayBuffer());
        assert.notEqual(body[0], '-'.charCodeAt(0), 'binary, not armored');
        const key = await openpgp.readKey({ binaryKey: body });
        assert.equal(key.getFingerprint().toUpperCase(), fingerprint);
        assert.deepEqual(key.getUserIDs(), [`Ada <ada@${DOMAIN}>`]);
      }
    });

    test('takes the domain in the path case-insensitively and ignores ?l=', async () => {
      const response = await get(
        `${ORIGIN}/.well-known/openpgpkey/${DOMAIN.toUpperCase()}/hu/${ADA_HASH}`,
      );
      assert.equal(response.status, 200);
      assert.equal((await get(`${DIRECT}/hu/${ADA_HASH}?l=somebody-else`)).status, 200);
      assert.equal(
        (await get(`${ORIGIN}/.well-known/openpgpkey/example.org/hu/${ADA_HASH}`)).status,
        404,
      );
    });

    test('never answers 401, 403 or a redirect: Basic auth and a stale session cookie are ignored', async () => {
      const response = await get(`${DIRECT}/hu/${ADA_HASH}`, {
        headers: {
          Authorization: 'Basic bm8tdXNlcjo=',
          'X-OpenPGP-Padding': 'xxxxxxxx',
          cookie: 'treff_session=not-a-session',
        },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('set-cookie'), null);
      assert.equal(response.headers.get('www-authenticate'), null);
      const post = await get(`${DIRECT}/hu/${ADA_HASH}`, { method: 'POST' });
      assert.equal(post.status, 405);
    });

    test('answers HEAD like GET without a body, and conditional requests with 304', async () => {
      const get200 = await get(`${DIRECT}/hu/${ADA_HASH}`);
      const head = await get(`${DIRECT}/hu/${ADA_HASH}`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), get200.headers.get('content-length'));
      assert.equal((await head.arrayBuffer()).byteLength, 0);
      const etag = get200.headers.get('etag') ?? '';
      assert.match(etag, /^"[^"]+"$/);
      const again = await get(`${DIRECT}/hu/${ADA_HASH}`, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
    });

    test('answers CORS preflights for the headers Thunderbird sends', async () => {
      const response = await get(`${DIRECT}/hu/${ADA_HASH}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://webmail.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization,x-openpgp-padding',
        },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /x-openpgp-padding/);
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /GET/);
    });

    test('404 with CORS for an unknown address, no index, nothing else under the prefix', async () => {
      for (const path of [
        `${DIRECT}/hu/${wkdHash('nobody')}`,
        `${DIRECT}/hu/`,
        `${DIRECT}/hu`,
        `${DIRECT}/`,
        `${ORIGIN}/.well-known/openpgpkey`,
        `${DIRECT}/hu/not-a-hash`,
        `${DIRECT}/hu/${ADA_HASH}/more`,
        `${ADVANCED}/hu/`,
        `${DIRECT}/policy/x`,
      ]) {
        const response = await get(path);
        assert.equal(response.status, 404, path);
        assert.equal(response.headers.get('access-control-allow-origin'), '*', path);
        assert.doesNotMatch(response.headers.get('content-type') ?? '', /html/, path);
      }
    });

    test('serves the policy ending in a newline and the submission address, for both methods', async () => {
      for (const base of [DIRECT, ADVANCED]) {
        const policy = await get(`${base}/policy`);
        assert.equal(policy.status, 200);
        assert.equal(policy.headers.get('access-control-allow-origin'), '*');
        const text = await policy.text();
        assert.ok(text.endsWith('\n'));
        assert.match(text, new RegExp(`^submission-address: ${SUBMISSION}$`, 'm'));
        assert.doesNotMatch(text, /mailbox-only|auth-submit|protocol-version/);
        for (const line of text.split('\n')) assert.doesNotMatch(line, /^:/);
        const submission = await get(`${base}/submission-address`);
        assert.equal(await submission.text(), `${SUBMISSION}\n`);
      }
    });

    test("publishes the submission address's own key in the directory", async () => {
      const response = await get(`${DIRECT}/hu/${wkdHash('key-submission')}`);
      assert.equal(response.status, 200);
      const key = await openpgp.readKey({
        binaryKey: new Uint8Array(await response.arrayBuffer()),
      });
      assert.deepEqual(key.getUserIDs(), [`<${SUBMISSION}>`]);
      assert.equal(key.keyPacket.version, 4);
      await key.getEncryptionKey();
    });

    test('stops serving a key when the member leaves, the account ends or the key expires', async () => {
      const directory = createKeyDirectory(t.deps, { checkIntervalMs: 0, rebuildIntervalMs: 0 });
      const handler = wkdHandler(t.deps, directory);
      const status = async (hash: string) =>
        (await handler(new Request(`${DIRECT}/hu/${hash}`))).status;
      const bob = await memberWithAccount(t, 'bob', '43');
      await publishKeyDirectly(
        t.deps,
        CLI_ACTOR,
        `bob@${DOMAIN}`,
        (await makeKey([{ email: `bob@${DOMAIN}` }], t.clock.now())).armored,
        { recordFingerprint: false },
      );
      await memberWithAccount(t, 'carl', '44');
      await publishKeyDirectly(
        t.deps,
        CLI_ACTOR,
        `carl@${DOMAIN}`,
        (
          await makeKey([{ email: `carl@${DOMAIN}` }], t.clock.now(), {
            keyExpirationTime: 5 * 86_400,
          })
        ).armored,
        { recordFingerprint: false },
      );
      assert.deepEqual(
        [await status(ADA_HASH), await status(wkdHash('bob')), await status(wkdHash('carl'))],
        [200, 200, 200],
      );
      await updateMember(
        t.deps,
        CLI_ACTOR,
        bob,
        memberInput({ memberNumber: '43', email: 'bob@example.org', leftOn: '2026-03-01' }),
      );
      await disableAccount(t.deps, CLI_ACTOR, (await getAccountByUsername(t.deps, 'ada')).id);
      t.clock.advance(6 * 86_400_000);
      assert.deepEqual(
        [await status(ADA_HASH), await status(wkdHash('bob')), await status(wkdHash('carl'))],
        [404, 404, 404],
      );
    });

    test('@openpgp/wkd-client fetches the key over HTTP from a running treff', async () => {
      const server: ServerType = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const client = new WKD();
        const requested: string[] = [];
        // The client's only seam (wkd.md §2.3): map its https URLs to this server over HTTP.
        (client as unknown as { _fetch: typeof fetch })._fetch = (input) => {
          const url = new URL(input instanceof Request ? input.url : input);
          requested.push(`${url.host}${url.pathname}`);
          return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`);
        };
        const bytes = await client.lookup({ email: `ada@${DOMAIN}` });
        const key = await openpgp.readKey({ binaryKey: bytes });
        assert.equal(key.getFingerprint().toUpperCase(), fingerprint);
        assert.equal(
          requested[0],
          `openpgpkey.${DOMAIN}/.well-known/openpgpkey/${DOMAIN}/hu/${ADA_HASH}`,
        );
        const mixed = await client.lookup({ email: `ada@${DOMAIN.toUpperCase()}` });
        assert.deepEqual(Buffer.from(mixed), Buffer.from(bytes));
        await assert.rejects(
          client.lookup({ email: `nobody@${DOMAIN}` }),
          /Direct WKD lookup failed/,
        );
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('answers the same on Node’s own request (treff serve’s front listener) as through the app', async () => {
      const front = wkdNodeListenerOf(t.app);
      assert.ok(front);
      const adapter = getRequestListener(t.app.fetch);
      const server = createServer((request, response) => {
        if (!front(request, response)) void adapter(request, response);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const pick = (headers: Headers) =>
        ['content-type', 'content-length', 'access-control-allow-origin', 'etag', 'cache-control']
          .map((name) => `${name}: ${headers.get(name) ?? ''}`)
          .join('\n');
      try {
        const etag = (await get(`${DIRECT}/hu/${ADA_HASH}`)).headers.get('etag') ?? '';
        for (const [path, init] of [
          [`/.well-known/openpgpkey/hu/${ADA_HASH}?l=ada`, {}],
          [`/.well-known/openpgpkey/${DOMAIN.toUpperCase()}/hu/${ADA_HASH}`, {}],
          [`/.well-known/openpgpkey/hu/${ADA_HASH}`, { method: 'HEAD' }],
          [`/.well-known/openpgpkey/hu/${ADA_HASH}`, { headers: { 'if-none-match': etag } }],
          [`/.well-known/openpgpkey/hu/${wkdHash('nobody')}`, {}],
          ['/.well-known/openpgpkey/hu/', {}],
          ['/.well-known/openpgpkey/policy', {}],
          [`/.well-known/openpgpkey/${DOMAIN}/submission-address`, {}],
          ['/.well-known/openpgpkey/policy', { method: 'POST' }],
          ['/.well-known/openpgpkey/policy', { method: 'OPTIONS' }],
        ] as const) {
          const viaApp = await get(`${ORIGIN}${path}`, init);
          const viaNode = await fetch(`http://127.0.0.1:${port}${path}`, init);
          assert.equal(viaNode.status, viaApp.status, path);
          assert.equal(pick(viaNode.headers), pick(viaApp.headers), path);
          assert.deepEqual(
            Buffer.from(await viaNode.arrayBuffer()),
            Buffer.from(await viaApp.arrayBuffer()),
            path,
          );
        }
        // Everything else still goes to the web app.
        const page = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(page.status, (await get(`${ORIGIN}/`)).status);
        assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      } finally {
        server.close();
      }
    });
  });
}
