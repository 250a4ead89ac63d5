import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { bookPayment, createMember, setFee } from '../../src/members/index.ts';
import { addUser, createTestApp, memberInput, ROOT, type TestApp } from '../support/app.ts';
import { requireTool } from '../support/integration.ts';

/**
 * The reminder preview in a real browser: it renders the stages, claims and mails, asks
 * nothing of another origin, and (with TREFF_UPDATE_SCREENSHOTS=1) writes the README's
 * screenshot docs/screenshots/reminders-preview.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = requireTool(CHROMIUM, 'Chromium (Debian package "chromium")');

let treff: TestApp | undefined;
let server: ServerType | undefined;
let browser: Browser | undefined;
let origin = '';

/** A member with 5 € a month from `from` on, who has paid `paid` (German notation). */
async function owing(
  app: TestApp,
  fields: Record<string, string>,
  from: string,
  paid?: string,
): Promise<void> {
  const visible = { includeRestricted: false };
  const member = await createMember(
    app.deps,
    CLI_ACTOR,
    memberInput({ ...fields, joinedOn: from }),
  );
  await setFee(app.deps, CLI_ACTOR, visible, member.id, {
    amount: '5,00',
    intervalMonths: '1',
    validFrom: from,
  });
  if (paid)
    await bookPayment(app.deps, CLI_ACTOR, visible, member.id, {
      bookedOn: from,
      amount: paid,
      reference: `Chaos-Nr. ${fields['memberNumber'] ?? ''}`,
    });
}

before(async () => {
  if (skip) return;
  treff = await createTestApp('sqlite');
  treff.clock.set(new Date());
  const today = new Date();
  const monthsAgo = (n: number) =>
    new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - n, 1))
      .toISOString()
      .slice(0, 10);
  await owing(treff, { memberNumber: '42', email: 'ada@example.org' }, monthsAgo(3));
  await owing(
    treff,
    { memberNumber: '7', firstName: 'Alan', lastName: 'Turing', email: '' },
    monthsAgo(2),
  );
  await owing(
    treff,
    { memberNumber: '23', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org' },
    monthsAgo(5),
    '10,00',
  );
  server = serve({ fetch: treff.app.fetch, hostname: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  const running = server;
  if (running) await new Promise((resolve) => running.close(resolve));
  await treff?.close();
});

test(
  'the reminder preview shows stages, limitation dates and mails, from this origin only',
  { skip },
  async () => {
    assert.ok(treff && browser);
    const password = await addUser(treff.deps, 'vorstand', ['board', 'treasurer']);
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      locale: 'de-DE',
    });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/login`);
      await page.fill('input[name=username]', 'vorstand');
      await page.fill('input[name=password]', password);
      await Promise.all([
        page.waitForURL(/\/admin\//),
        page.click('form[action="/login"] button[type=submit]'),
      ]);
      const response = await page.goto(`${origin}/admin/reminders`, { waitUntil: 'networkidle' });
      assert.equal(response?.status(), 200);
      const main = await page.locator('main').innerText();
      assert.match(main, /Freundliche Erinnerung/);
      assert.match(main, /keine E-Mail-Adresse – bitte per Brief/);
      assert.match(main, /verjährt mit Ablauf des/);
      assert.match(main, /2 Erinnerungen freigeben und versenden/);
      await page.locator('details summary').first().click();
      assert.ok(
        requests.every((url) => url.startsWith(origin)),
        requests.join('\n'),
      );
      if (process.env['TREFF_UPDATE_SCREENSHOTS'] === '1') {
        const dir = join(ROOT, 'docs', 'screenshots');
        await mkdir(dir, { recursive: true });
        await page.screenshot({ path: join(dir, 'reminders-preview.png'), fullPage: true });
      }
    } finally {
      await context.close();
    }
  },
);
