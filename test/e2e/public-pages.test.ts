import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { addUser, createTestApp, type TestApp } from '../support/app.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts';
import { requireTool } from '../support/integration.ts';

const skip = requireTool(CHROMIUM, 'Chromium (Debian package "chromium")');

const PUBLIC_PAGES = ['/', '/login', '/login/member', '/?lang=en'];
const BOARD_PAGES = ['/admin/members', '/admin/members/new', '/admin/contributions'];

let treff: TestApp | undefined;
let server: ServerType | undefined;
let browser: Browser | undefined;
let origin = '';

before(async () => {
  if (skip) return;
  treff = await createTestApp('sqlite');
  // The browser drops a cookie that expired by its own clock; the test clock starts in the past.
  treff.clock.set(new Date());
  server = serve({ fetch: treff.app.fetch, hostname: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address && typeof address === 'object', 'the server listens on a TCP port');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
});

after(async () => {
  await browser?.close();
  const running = server;
  if (running) {
    await new Promise<void>((resolve, reject) => {
      running.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
  await treff?.close();
});

/** A fresh browser profile that records the URL of every request any of its pages makes. */
async function freshContext(): Promise<{
  context: BrowserContext;
  page: Page;
  requests: string[];
}> {
  assert.ok(browser, 'the browser was launched');
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  return { context, page, requests };
}

async function visit(page: Page, path: string): Promise<void> {
  // networkidle: a font or script fetched late must still be among the recorded requests.
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  assert.equal(response?.status(), 200, `GET ${path}`);
}

function assertSameOrigin(requests: string[]): void {
  assert.ok(requests.length > 0, 'the pages made requests');
  const foreign = requests.filter((url) => new URL(url).origin !== origin);
  assert.deepEqual(foreign, [], 'no request leaves the origin of the server');
}

test(
  'public pages set no cookie, store nothing and request nothing from another origin',
  { skip },
  async () => {
    const { context, page, requests } = await freshContext();
    try {
      for (const path of PUBLIC_PAGES) {
        await visit(page, path);
        const stored: unknown = await page.evaluate('[localStorage.length, sessionStorage.length]');
        assert.deepEqual(stored, [0, 0], `${path} leaves localStorage and sessionStorage empty`);
      }
      assert.deepEqual(await context.cookies(), [], 'no public page sets a cookie');
      assertSameOrigin(requests);
    } finally {
      await context.close();
    }
  },
);

test(
  'the transparency page, in German and English, sets no cookie and requests nothing from another origin',
  { skip },
  async () => {
    const { context, page, requests } = await freshContext();
    // A blocked inline style or script would show as a CSP violation in the console.
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    try {
      for (const [path, lang] of [
        ['/transparenz', 'de'],
        ['/transparency', 'en'],
        ['/datenschutz/versionen', 'de'],
        ['/privacy/versions', 'en'],
      ] as const) {
        await visit(page, path);
        assert.equal(await page.getAttribute('html', 'lang'), lang, `${path} is in ${lang}`);
        const stored: unknown = await page.evaluate('[localStorage.length, sessionStorage.length]');
        assert.deepEqual(stored, [0, 0], `${path} leaves localStorage and sessionStorage empty`);
      }
      await visit(page, '/transparency');
      assert.ok((await page.locator('article.promise svg.promise-bar').count()) > 5, 'bars shown');
      assert.deepEqual(await context.cookies(), [], 'the transparency pages set no cookie');
      assert.deepEqual(violations, [], 'nothing on the page is blocked by the CSP');
      assertSameOrigin(requests);
    } finally {
      await context.close();
    }
  },
);

test(
  'a board login sets exactly one cookie, treff_session, HttpOnly and SameSite=Strict',
  { skip },
  async () => {
    assert.ok(treff, 'the server was started');
    const password = await addUser(treff.deps, 'vorstand', ['board']);
    const { context, page, requests } = await freshContext();
    try {
      await visit(page, '/login');
      await page.fill('input[name=username]', 'vorstand');
      await page.fill('input[name=password]', password);
      const [answer] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
        ),
        page.click('form[action="/login"] button[type=submit]'),
      ]);
      if (answer.status() !== 303) {
        await page.waitForLoadState();
        const shown = await page.locator('main').innerText();
        assert.fail(`the login form was answered ${answer.status()}: ${shown}`);
      }
      await page.waitForURL(`${origin}/admin/members`);

      const cookies = await context.cookies();
      assert.equal(cookies.length, 1, 'exactly one cookie after login');
      const [cookie] = cookies;
      assert.ok(cookie);
      assert.equal(cookie.name, 'treff_session');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.secure, false, 'plain HTTP gets the unprefixed cookie');

      for (const path of BOARD_PAGES) await visit(page, path);
      assert.deepEqual(
        (await context.cookies()).map((c) => c.name),
        ['treff_session'],
        'the logged-in pages add no cookie',
      );
      assertSameOrigin(requests);
    } finally {
      await context.close();
    }
  },
);
