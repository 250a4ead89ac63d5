import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import {
  addMonths,
  bookPayment,
  CLI_VISIBILITY,
  createMember,
  setFee,
} from '../../src/members/index.ts';
import { addUser, createTestApp, memberInput, ROOT, type TestApp } from '../support/app.ts';
import { requireTool } from '../support/integration.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = requireTool(CHROMIUM, 'Chromium (Debian package "chromium")');
/** Committed and shown in the README (section "The board's dashboard"). */
const SCREENSHOT = join(ROOT, 'docs', 'screenshots', 'dashboard.png');

let treff: TestApp | undefined;
let server: ServerType | undefined;
let browser: Browser | undefined;
let origin = '';

/** A club of 30 members over the last year: joins, a few exits, monthly fees, some paid late. */
async function seedClub(t: TestApp): Promise<void> {
  const today = t.clock.now().toISOString().slice(0, 10);
  const start = addMonths(`${today.slice(0, 7)}-01`, -14);
  for (let index = 0; index < 30; index++) {
    const joinedOn = addMonths(start, Math.floor((index * 13) / 30));
    const leftOn = index % 9 === 4 ? addMonths(joinedOn, 7) : '';
    const member = await createMember(
      t.deps,
      CLI_ACTOR,
      memberInput({
        memberNumber: String(100 + index),
        email: `m${index}@example.org`,
        joinedOn,
        leftOn: leftOn > today ? '' : leftOn,
      }),
    );
    await setFee(t.deps, CLI_ACTOR, CLI_VISIBILITY, member.id, {
      amount: index % 3 === 0 ? '10.00' : '5.00',
      intervalMonths: 1,
      validFrom: joinedOn,
    });
    for (let month = 0; month < 14; month++) {
      const bookedOn = addMonths(joinedOn, month);
      if (bookedOn > today || index % 7 === month % 7) continue;
      if (index % 5 === 0 && month > 8) continue;
      await bookPayment(t.deps, CLI_ACTOR, CLI_VISIBILITY, member.id, {
        bookedOn,
        amount: index % 3 === 0 ? '10.00' : '5.00',
        reference: `Beitrag ${100 + index}`,
      });
    }
  }
}

before(async () => {
  if (skip) return;
  treff = await createTestApp('sqlite');
  // The browser drops a cookie that expired by its own clock: the test clock runs at real time.
  treff.clock.set(new Date());
  await seedClub(treff);
  server = serve({ fetch: treff.app.fetch, hostname: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  const running = server;
  if (running)
    await new Promise<void>((resolve) =>
      running.close(() => {
        resolve();
      }),
    );
  await treff?.close();
});

test(
  "the board's dashboard draws its charts without script, CSP violations or foreign requests (screenshot for the README)",
  { skip },
  async () => {
    assert.ok(browser && treff);
    const password = await addUser(treff.deps, 'kasse', ['board', 'treasurer']);
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    try {
      await page.goto(`${origin}/login?lang=en`);
      await page.fill('input[name=username]', 'kasse');
      await page.fill('input[name=password]', password);
      await page.click('form[action="/login"] button[type=submit]');
      await page.waitForURL(/\/admin\//);
      const response = await page.goto(`${origin}/admin/dashboard?lang=en`, {
        waitUntil: 'networkidle',
      });
      assert.equal(response?.status(), 200);
      assert.equal(await page.locator('svg.chart').count(), 3);
      assert.equal(await page.locator('script').count(), 0);
      // Every chart is drawn: its bars have height.
      const bars = await page.locator('svg.chart rect[height]:not([height="0"])').count();
      assert.ok(bars > 20, `${bars} bars drawn`);
      assert.deepEqual(violations, []);
      assert.deepEqual(
        requests.filter((url) => new URL(url).origin !== origin),
        [],
      );
      await mkdir(join(ROOT, 'docs', 'screenshots'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }
  },
);
