import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../../test/support/app.ts';
import { runTreff, type CliRun } from '../../test/support/cli.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../test/support/db.ts';
import { parseConfig } from '../core/config/load.ts';
import { silentLogger } from '../core/log.ts';
import { renderAll, writeRendered } from '../services/index.ts';
import type { TransparencyFigures } from './figures.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`treff transparency (${dialect})`, () => {
    let dir: string;
    let config: string;
    let database: TestDatabase;
    const run = (...args: string[]): Promise<CliRun> =>
      runTreff(args, {
        runtimeOptions: {
          log: silentLogger(),
          hasher: testHasher,
          accountHasher: testAccountHasher,
          ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
        },
      });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'treff-transparency-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      config = join(dir, 'treff.yaml');
      const yaml = await readFile(EXAMPLE_CONFIG, 'utf8');
      await writeFile(config, yaml);
      process.env['TREFF_DATABASE_URL'] = database.url;
      const root = join(dir, 'root');
      await writeRendered(root, renderAll(parseConfig(yaml, config)), { force: false });
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('status exits 1 while a deletion has never run, 0 once every promise is kept', async () => {
      const before = await run('transparency', 'status', '--config', config);
      assert.equal(before.code, 1);
      assert.match(before.out, /^✗ website-logs\.1 Visiting the website: 10 days: .*\[never\]$/m);
      assert.match(before.err, /promises are red/);

      const root = join(dir, 'root');
      assert.equal((await run('retention', 'run', '--root', root, '--config', config)).code, 0);
      const checked = await run('transparency', 'check', '--root', root, '--config', config);
      assert.equal(checked.code, 0, checked.err);
      assert.match(checked.out, /^doctor: stored \d+ findings \(0 errors/);

      const after = await run('transparency', 'status', '--config', config);
      assert.equal(after.code, 0, after.out);
      assert.match(
        after.out,
        /^✓ xmpp-logs\.1 Logins and logouts at the Jabber server: 10 days: .*deletion ok at .*; settings as declared$/m,
      );
      const json = await run('transparency', 'status', '--json', '--config', config);
      assert.equal((JSON.parse(json.out) as TransparencyFigures).allGreen, true);
    });

    test('export writes the figures as JSON to stdout or to a file', async () => {
      const printed = await run('transparency', 'export', '--config', config);
      assert.equal(printed.code, 0, printed.err);
      const figures = JSON.parse(printed.out) as TransparencyFigures;
      assert.equal(figures.format, 1);
      assert.equal(figures.club, 'Chaostreff Osnabrück e.V.');
      assert.ok(figures.promises.some((figure) => figure.key === 'website-logs.1'));

      const out = join(dir, 'figures.json');
      const written = await run('transparency', 'export', '--out', out, '--config', config);
      assert.equal(written.code, 0, written.err);
      assert.equal(written.out, '');
      const fromFile = JSON.parse(await readFile(out, 'utf8')) as TransparencyFigures;
      assert.deepEqual(
        fromFile.promises.map((figure) => figure.key),
        figures.promises.map((figure) => figure.key),
      );
      assert.ok((await stat(out)).isFile());
    });
  });
}
