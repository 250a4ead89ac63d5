import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';

const ORIGIN = 'http://127.0.0.1:8080';

describe('input edges of the web frame', () => {
  let t: TestApp;
  let board: TestClient;
  let cookie: string;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
    board = new TestClient(t.app);
    await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board', 'treasurer']));
    cookie = [...board.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  });
  afterEach(() => t.close());

  const post = (
    path: string,
    type: string,
    body: string | ReadableStream<Uint8Array>,
    extra: RequestInit = {},
  ) =>
    t.app.request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': type, accept: 'application/json' },
      body,
      ...extra,
    });

  test('answers 413 to a body over the limit, declared or streamed', async () => {
    const big = `csv=${'x'.repeat(16 * 1024 * 1024)}`;
    const declared = await post('/admin/members/import', 'application/x-www-form-urlencoded', big);
    assert.equal(declared.status, 413);
    assert.equal(
      ((await declared.json()) as { error: { code: string } }).error.code,
      'body_too_large',
    );
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ > 17) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await post(
      '/admin/members/import',
      'multipart/form-data; boundary=x',
      stream,
      { duplex: 'half' },
    );
    assert.equal(streamed.status, 413);
  });

  test('answers 400 to a malformed multipart or form body', async () => {
    for (const [type, body] of [
      [
        'multipart/form-data; boundary=XYZ',
        '--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nfoo',
      ],
      ['multipart/form-data', 'no boundary at all'],
    ] as const) {
      const response = await post('/admin/contributions/import', type, body);
      assert.equal(response.status, 400, type);
      assert.equal(
        ((await response.json()) as { error: { code: string } }).error.code,
        'body_malformed',
      );
    }
  });

  test('refuses an absurd page number with a 4xx naming the field', async () => {
    for (const page of ['1e308', 'Infinity', '99999999999999999999', '-1', 'NaN', '1.5']) {
      const response = await board.get(`/admin/members?page=${page}`, {
        accept: 'application/json',
      });
      assert.equal(response.status, 422, page);
      const body = (await response.json()) as { error: { issues: { path: string }[] } };
      assert.deepEqual([...new Set(body.error.issues.map((issue) => issue.path))], ['page'], page);
    }
    assert.equal((await board.get('/admin/members?page=2')).status, 200);
    assert.equal((await board.get('/admin/members?page=')).status, 200);
  });
});

describe('error pages in the page’s language', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(() => t.close());

  test('says a refused form in German on a German page and in English on an English one', async () => {
    const send = (lang: string) =>
      t.app.request(`${ORIGIN}/login?lang=${lang}`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=x&password=y',
      });
    const german = await send('de');
    assert.equal(german.status, 403);
    assert.match(await german.text(), /Das Formular ist abgelaufen/);
    const english = await send('en');
    assert.equal(english.status, 403);
    assert.match(await english.text(), /The form has expired/);
  });
});
