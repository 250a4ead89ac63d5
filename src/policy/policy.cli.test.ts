import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testHasher } from '../../test/support/app.ts';
import { runTreff, type CliRun } from '../../test/support/cli.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../test/support/db.ts';
import { manualClock } from '../core/clock.ts';
import { silentLogger } from '../core/log.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`treff policy (${dialect})`, () => {
    let dir: string;
    let config: string;
    let database: TestDatabase;
    const clock = manualClock('2026-03-01T10:00:00.000Z');
    const run = (...args: string[]): Promise<CliRun> =>
      runTreff(args, {
        runtimeOptions: {
          log: silentLogger(),
          hasher: testHasher,
          clock,
          ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
        },
      });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'treff-policy-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      config = join(dir, 'treff.yaml');
      await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
      process.env['TREFF_DATABASE_URL'] = database.url;
      clock.set('2026-03-01T10:00:00.000Z');
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('policy render prints the German policy as Markdown by default', async () => {
      const result = await run('policy', 'render', '--config', config);
      assert.equal(result.code, 0, result.err);
      assert.match(
        result.out,
        /^# Datenschutzerklärung\n\nStand: 01\.03\.2026 · Version [0-9a-f]{12}\n/,
      );
      assert.match(result.out, /^## Ihre Rechte$/m);
      assert.match(result.out, /^> \*\*Ihr Widerspruchsrecht \(Art\. 21 DSGVO\)\*\*$/m);
      assert.doesNotMatch(result.out, /<[a-z]+[ >]/);
    });

    test('policy render keeps the first publication date and prints English HTML', async () => {
      await run('policy', 'render', '--config', config);
      clock.advance(10 * 24 * 60 * 60 * 1000);
      const result = await run(
        'policy',
        'render',
        '--lang',
        'en',
        '--format',
        'html',
        '--config',
        config,
      );
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, /^<!doctype html><html lang="en">/);
      assert.match(result.out, /<h1>Privacy policy<\/h1>/);
      assert.match(result.out, /As of 01 Mar 2026 · version [0-9a-f]{12}/);
    });

    test('policy record prints the Art. 30 record as Markdown', async () => {
      const result = await run('policy', 'record', '--lang', 'de', '--config', config);
      assert.equal(result.code, 0, result.err);
      assert.match(
        result.out,
        /^# Verzeichnis von Verarbeitungstätigkeiten \(Art\. 30 Abs\. 1 DSGVO\)\n/,
      );
      assert.match(result.out, /^### 1\. Aufruf der Website$/m);
    });

    test('refuses an unknown language or format', async () => {
      const language = await run('policy', 'render', '--lang', 'fr', '--config', config);
      assert.notEqual(language.code, 0);
      assert.match(language.err, /--lang/);
      const format = await run('policy', 'render', '--format', 'pdf', '--config', config);
      assert.notEqual(format.code, 0);
      assert.match(format.err, /--format/);
    });
  });
}
