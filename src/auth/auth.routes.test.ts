import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`login and sessions (${dialect})`, () => {
    let t: TestApp;
    let client: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      client = new TestClient(t.app);
    });
    afterEach(() => t.close());

    test('public pages set no cookie', async () => {
      for (const path of [
        '/',
        '/login',
        '/login/member',
        '/?lang=en',
        '/assets/pico.css',
        '/nope',
      ]) {
        const response = await client.get(path);
        assert.equal(response.headers.get('set-cookie'), null, path);
      }
      assert.equal(
        (await client.post('/login/member', { email: 'someone@example.org' })).headers.get(
          'set-cookie',
        ),
        null,
      );
    });

    test('public pages allow nothing from another origin and no script', async () => {
      const response = await client.get('/');
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /script-src/);
      assert.doesNotMatch(csp, /https?:/);
      const html = await response.text();
      const external = [...html.matchAll(/(?:src|href)="(https?:)?\/\/([^"/]+)/g)].map((m) => m[2]);
      assert.deepEqual(
        external.filter((host) => host !== 'www.openstreetmap.org' && host !== 'meet.osna.social'),
        [],
      );
      assert.doesNotMatch(html, /<script|<iframe|<img/);
    });

    test('a correct login sets one HttpOnly SameSite=Strict session cookie; a wrong one sets none', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.get('/login');
      const wrong = await client.post('/login', {
        username: 'vorstand',
        password: 'wrong password!!',
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null);
      const unknown = await client.post('/login', { username: 'nobody', password });
      assert.equal(unknown.status, 401);
      const ok = await client.post('/login', {
        username: 'vorstand',
        password,
        next: '/admin/members?q=x',
      });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), '/admin/members?q=x');
      const cookies = ok.headers.getSetCookie();
      assert.equal(cookies.length, 1);
      assert.match(
        cookies[0] ?? '',
        /^treff_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
      );
    });

    test('over TLS the cookie is Secure and host-bound', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      const page = await t.app.request('https://club.example/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const response = await t.app.request('https://club.example/login', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://club.example',
        },
        body: new URLSearchParams({ _csrf: csrf, username: 'vorstand', password }).toString(),
      });
      assert.equal(response.status, 303);
      assert.match(
        response.headers.get('set-cookie') ?? '',
        /^__Host-treff=.*; Path=\/; .*HttpOnly; Secure; SameSite=Strict$/,
      );
    });

    test('does not redirect a login to another site', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.get('/login');
      const response = await client.post('/login', {
        username: 'vorstand',
        password,
        next: '//evil.example/',
      });
      assert.equal(response.headers.get('location'), '/home');
    });

    test('a form post without the CSRF token is refused', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      const anonymous = await client.post(
        '/login',
        { username: 'vorstand', password },
        { csrf: false },
      );
      assert.equal(anonymous.status, 403);
      assert.equal(anonymous.headers.get('set-cookie'), null);
      await client.login('vorstand', password);
      const response = await client.post('/admin/members', memberInput(), { csrf: false });
      assert.equal(response.status, 403);
      const forged = await client.post('/admin/members', {
        ...memberInput(),
        _csrf: 'a.9999999999.forged',
      });
      assert.equal(forged.status, 403);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
    });

    test('a form post from another origin is refused even with a token', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.login('vorstand', password);
      const response = await client.post('/admin/members', memberInput(), {
        origin: 'https://evil.example',
      });
      assert.equal(response.status, 403);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
    });

    test('a withheld origin passes only when the browser vouches the form is ours', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      const page = await t.app.request('http://127.0.0.1:8080/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const post = (headers: Record<string, string>) =>
        t.app.request('http://127.0.0.1:8080/login', {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'null',
            ...headers,
          },
          body: new URLSearchParams({ _csrf: csrf, username: 'vorstand', password }).toString(),
        });
      assert.equal((await post({})).status, 403);
      assert.equal((await post({ 'sec-fetch-site': 'cross-site' })).status, 403);
      assert.equal((await post({ 'sec-fetch-site': 'same-origin' })).status, 303);
    });

    test('logging out ends the session on the server', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.login('vorstand', password);
      const stolen = new Map(client.cookies);
      assert.equal((await client.post('/logout')).status, 303);
      const thief = new TestClient(t.app);
      thief.cookies = stolen;
      const response = await thief.get('/admin/members');
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/login?next=%2Fadmin%2Fmembers');
    });

    test('a session expires after the declared time', async () => {
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.login('vorstand', password);
      assert.equal((await client.get('/admin/members')).status, 200);
      t.clock.advance(12 * 3600 * 1000 + 1000);
      assert.equal((await client.get('/admin/members')).status, 303);
    });

    test('a member gets a one-time login link by mail and nothing reveals unknown addresses', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      await client.get('/login/member');
      const known = await client.post('/login/member', { email: 'ADA@example.org ' });
      await t.settle();
      await client.get('/login/member');
      const unknown = await client.post('/login/member', { email: 'eve@example.org' });
      await t.settle();
      assert.equal(known.status, 200);
      assert.equal(unknown.status, 200);
      const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
      assert.equal(strip(await known.text()), strip(await unknown.text()));
      assert.equal(t.mail.sent.length, 1);
      const mail = t.mail.sent[0];
      assert.equal(mail?.to, 'ada@example.org');
      const link =
        /http:\/\/127\.0\.0\.1:8080(\/login\/link\/[A-Za-z0-9_-]{43})/.exec(
          mail?.text ?? '',
        )?.[1] ?? '';
      assert.ok(link, mail?.text);

      // Opening the link (a mail scanner might) does not use it up.
      assert.equal((await client.get(link)).status, 200);
      assert.equal((await client.get(link)).status, 200);
      const login = await client.post(link);
      assert.equal(login.status, 303);
      assert.equal(login.headers.get('location'), '/me');
      assert.equal((await client.get('/me')).status, 200);

      const replay = new TestClient(t.app);
      await replay.get('/login/member');
      assert.equal((await replay.post(link)).status, 404);
      assert.equal(replay.cookies.size, 0);
    });

    test('a login link expires', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      await client.get('/login/member');
      await client.post('/login/member', { email: 'ada@example.org' });
      await t.settle();
      const link = /(\/login\/link\/[A-Za-z0-9_-]{43})/.exec(t.mail.sent[0]?.text ?? '')?.[1] ?? '';
      t.clock.advance(31 * 60 * 1000);
      assert.equal((await client.get(link)).status, 404);
      assert.equal((await client.post(link)).status, 404);
    });

    test('keeps login links only as long as declared and sessions only until they expire', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      await client.get('/login/member');
      await client.post('/login/member', { email: 'ada@example.org' });
      await t.settle();
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.login('vorstand', password);
      const count = async (table: 'login_links' | 'sessions') =>
        (await t.deps.db.selectFrom(table).select('id').execute()).length;
      assert.deepEqual([await count('login_links'), await count('sessions')], [1, 1]);

      t.clock.advance(25 * 3600 * 1000);
      const other = new TestClient(t.app);
      await other.get('/login/member');
      await other.post('/login/member', { email: 'nobody@example.org' });
      await t.settle();
      assert.equal(await count('login_links'), 0);
      await other.login('vorstand', password);
      assert.equal(await count('sessions'), 1);
    });

    test('sends at most three links per member and hour', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      for (let i = 0; i < 5; i++) {
        await client.get('/login/member');
        await client.post('/login/member', { email: 'ada@example.org' });
        await t.settle();
      }
      assert.equal(t.mail.sent.length, 3);
      t.clock.advance(3601 * 1000);
      await client.get('/login/member');
      await client.post('/login/member', { email: 'ada@example.org' });
      await t.settle();
      assert.equal(t.mail.sent.length, 4);
    });

    test('the language follows the browser, a ?lang= choice and the session', async () => {
      assert.match(await (await client.get('/')).text(), /<html lang="de"/);
      assert.match(
        await (await client.get('/', { 'accept-language': 'en-US,en;q=0.9' })).text(),
        /<html lang="en"/,
      );
      assert.match(await (await client.get('/?lang=en')).text(), /Request a login link/);
      const password = await addUser(t.deps, 'vorstand', ['board']);
      await client.login('vorstand', password);
      await client.get('/admin/members?lang=en');
      assert.match(await (await client.get('/admin/members')).text(), /<h1>Members<\/h1>/);
    });
  });
}
