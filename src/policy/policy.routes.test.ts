import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Every URL a page would load by itself (stylesheets, scripts, images, frames). */
function loadedResources(html: string): string[] {
  const urls: string[] = [];
  for (const match of html.matchAll(/<(link|script|img|iframe|source|object|embed)\b[^>]*>/g)) {
    const url = /\b(?:href|src|data)="([^"]*)"/.exec(match[0])?.[1];
    if (url !== undefined) urls.push(url);
  }
  return urls;
}

async function memberClient(t: TestApp, email: string): Promise<TestClient> {
  const client = new TestClient(t.app);
  await client.get('/login/member');
  await client.post('/login/member', { email });
  await t.settle();
  const mail = t.mail.sent.findLast((sent) => sent.to === email);
  const link = /(\/login\/link\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] ?? '';
  await client.get(link);
  assert.equal((await client.post(link)).status, 303);
  return client;
}

for (const dialect of TEST_DIALECTS) {
  describe(`the published policy and the record (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    test('/datenschutz is the German policy: no cookie, nothing from another origin', async () => {
      const visitor = new TestClient(t.app);
      // Whatever the browser prefers, this path is German.
      const response = await visitor.get('/datenschutz', { 'accept-language': 'en' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('set-cookie'), null);
      assert.equal(visitor.cookies.size, 0);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await response.text();
      assert.match(html, /<html lang="de">/);
      assert.match(html, /<h1>Datenschutzerklärung<\/h1>/);
      assert.match(html, /Stand: 01\.03\.2026 · Version [0-9a-f]{12}/);
      assert.match(html, /<article class="notice" role="note">/);
      assert.deepEqual(
        loadedResources(html).filter((url) => !url.startsWith('/')),
        [],
        'only own resources',
      );
      assert.match(html, /<a href="https:\/\/www\.openstreetmap\.org\/[^"]*" rel="noreferrer">/);
      // The language switch leads to the English policy.
      assert.match(html, /href="\/privacy\?lang=en"/);
    });

    test('/privacy is the English policy with the same edition', async () => {
      const visitor = new TestClient(t.app);
      const german = await (await visitor.get('/datenschutz')).text();
      t.clock.advance(3 * DAY);
      const response = await visitor.get('/privacy', { 'accept-language': 'de' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('set-cookie'), null);
      const html = await response.text();
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<h1>Privacy policy<\/h1>/);
      const version = /Version ([0-9a-f]{12})/.exec(german)?.[1];
      assert.ok(version);
      assert.match(html, new RegExp(`As of 01 Mar 2026 · version ${version}`));
    });

    test('the start page and every page footer link to the policy', async () => {
      const visitor = new TestClient(t.app);
      const german = await (await visitor.get('/')).text();
      assert.match(german, /<a href="\/datenschutz">Datenschutzerklärung<\/a>/);
      assert.match(german, /<footer>[\s\S]*<a href="\/datenschutz">/);
      const english = await (await visitor.get('/?lang=en')).text();
      assert.match(english, /<a href="\/privacy">Privacy policy<\/a>/);
      const login = await (await visitor.get('/login?lang=en')).text();
      assert.match(login, /<footer>[\s\S]*<a href="\/privacy">/);
    });

    test('/admin/record refuses anonymous visitors, members and the treasurer alone', async () => {
      const anonymous = new TestClient(t.app);
      const redirect = await anonymous.get('/admin/record');
      assert.equal(redirect.status, 303);
      assert.equal(redirect.headers.get('location'), '/login?next=%2Fadmin%2Frecord');
      assert.equal((await anonymous.get('/admin/record.md')).status, 303);

      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      const member = await memberClient(t, 'ada@example.org');
      assert.equal((await member.get('/me')).status, 200);
      assert.equal((await member.get('/admin/record')).status, 403);
      assert.equal((await member.get('/admin/record.md')).status, 403);

      const treasurer = new TestClient(t.app);
      await treasurer.login('kasse', await addUser(t.deps, 'kasse', ['treasurer']));
      assert.equal((await treasurer.get('/admin/record')).status, 403);
    });

    test('/admin/record shows the board the Art. 30 record, also as Markdown', async () => {
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const page = await board.get('/admin/record');
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(
        html,
        /<h1>Verzeichnis von Verarbeitungstätigkeiten \(Art\. 30 Abs\. 1 DSGVO\)<\/h1>/,
      );
      assert.match(html, /<h3>4\. Mitgliederverwaltung und Beiträge<\/h3>/);
      assert.match(html, /href="\/admin\/record\.md\?lang=de"/);

      const download = await board.get('/admin/record.md?lang=en');
      assert.equal(download.status, 200);
      assert.match(download.headers.get('content-type') ?? '', /^text\/markdown; charset=utf-8/);
      assert.match(
        download.headers.get('content-disposition') ?? '',
        /^attachment; filename="record-of-processing-[0-9a-f]{12}\.md"$/,
      );
      const markdown = await download.text();
      assert.match(markdown, /^# Record of processing activities \(Art\. 30\(1\) GDPR\)\n/);
      assert.match(markdown, /As of 01 Mar 2026/);

      // Board and admins find the record from the policy page.
      assert.match(await (await board.get('/datenschutz')).text(), /href="\/admin\/record"/);
      const admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
      assert.equal((await admin.get('/admin/record')).status, 200);
    });
  });
}
