import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { parseConfig } from '../core/config/load.ts';
import { publishPolicyEdition } from '../policy/index.ts';
import { runRetention } from '../retention/index.ts';
import type { TransparencyFigures } from './figures.ts';

/** Every URL a page would load by itself (stylesheets, scripts, images, frames). */
function loadedResources(html: string): string[] {
  const urls: string[] = [];
  for (const match of html.matchAll(/<(link|script|img|iframe|source|object|embed)\b[^>]*>/g)) {
    const url = /\b(?:href|src|data)="([^"]*)"/.exec(match[0])?.[1];
    if (url !== undefined) urls.push(url);
  }
  return urls;
}

for (const dialect of TEST_DIALECTS) {
  describe(`the transparency page (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    for (const [path, lang, title] of [
      ['/transparenz', 'de', 'Transparenz: was wir speichern und wie lange'],
      ['/transparency', 'en', 'Transparency: what we store and for how long'],
    ] as const) {
      test(`${path} is public, in ${lang} whatever the browser prefers, sets no cookie and loads only from its origin`, async () => {
        const visitor = new TestClient(t.app);
        const response = await visitor.get(path, {
          'accept-language': lang === 'de' ? 'en' : 'de',
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('set-cookie'), null);
        assert.equal(visitor.cookies.size, 0);
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
        const html = await response.text();
        assert.match(html, new RegExp(`<html lang="${lang}">`));
        assert.match(html, new RegExp(`<h1>${title}</h1>`));
        for (const url of loadedResources(html)) assert.match(url, /^\/assets\//);
        assert.doesNotMatch(html, /<script|style="/);
      });
    }

    test('says each promise as people read it, with its limit and its last deletion', async () => {
      await runRetention(t.deps, { dryRun: false, root: t.dir });
      const html = await (await new TestClient(t.app).get('/transparency')).text();
      assert.match(html, /Visiting the website: 10 days/);
      assert.match(html, /Last deletion on 1 Mar 2026, 11:00, successful \(0 deleted\)/);
      assert.match(html, /Chat room history: the last 10/);
      assert.match(html, /href="\/privacy\/versions"/);
      const german = await (await new TestClient(t.app).get('/transparenz')).text();
      assert.match(german, /Aufruf der Website: 10 Tage/);
      assert.match(german, /href="\/datenschutz\/versionen"/);
    });

    test('gives the board and admins the same figures as JSON, nobody else', async () => {
      assert.notEqual((await new TestClient(t.app).get('/admin/transparency.json')).status, 200);
      const member = new TestClient(t.app);
      await member.login('kassenwart', await addUser(t.deps, 'kassenwart', ['treasurer']));
      assert.notEqual((await member.get('/admin/transparency.json')).status, 200);
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const response = await board.get('/admin/transparency.json');
      assert.equal(response.status, 200);
      const figures = (await response.json()) as TransparencyFigures;
      assert.equal(figures.format, 1);
      assert.equal(figures.allGreen, false, 'no deletion has run yet');
      assert.ok(figures.promises.every((figure) => typeof figure.promise.de === 'string'));
      const retention = await (await board.get('/admin/retention')).text();
      assert.match(retention, /href="\/admin\/transparency.json"/);
    });

    test('lists the policy editions with their dates and what changed', async () => {
      await publishPolicyEdition(t.deps);
      const yaml = await readFile(join(t.dir, 'treff.yaml'), 'utf8');
      const changed = parseConfig(
        yaml.replace(/(id: website-logs[\s\S]*?keep: )P10D/, '$1P7D'),
        join(t.dir, 'treff.yaml'),
        { TREFF_DATABASE_URL: t.deps.config.database.url },
      );
      t.clock.advance(86_400_000);
      await publishPolicyEdition({ ...t.deps, config: changed });

      const html = await (await new TestClient(t.app).get('/privacy/versions')).text();
      const sections = [
        ...html.matchAll(/<section data-version="([0-9a-f]{12})">(.*?)<\/section>/g),
      ];
      assert.equal(sections.length, 2);
      assert.match(sections[0]?.[2] ?? '', /As of 2026-03-02 .*Changed: Visiting the website/);
      assert.match(
        sections[1]?.[2] ?? '',
        /As of 2026-03-01 .*\(current\).*First recorded edition/,
      );
      const german = await (await new TestClient(t.app).get('/datenschutz/versionen')).text();
      assert.match(german, /Geändert: Aufruf der Website/);
    });
  });
}
