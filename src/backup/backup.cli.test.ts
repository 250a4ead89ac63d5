import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../../test/support/app.ts';
import { runTreff, type CliRun } from '../../test/support/cli.ts';
import { freePort } from '../../test/support/daemons.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../test/support/db.ts';
import { makeKey } from '../../test/support/keys.ts';
import { silentLogger } from '../core/log.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`treff backup and treff restore (${dialect})`, () => {
    let dir: string;
    let config: string;
    let secret: string;
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
      dir = await mkdtemp(join(tmpdir(), 'treff-backup-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      const key = await makeKey([{ email: 'backup@example.org' }], new Date());
      await writeFile(join(dir, 'backup.asc'), key.armored);
      secret = join(dir, 'secret.asc');
      await writeFile(secret, key.privateKey.armor());
      const [port, internalPort] = [await freePort(), await freePort()];
      config = join(dir, 'treff.yaml');
      await writeFile(
        config,
        (await readFile(EXAMPLE_CONFIG, 'utf8'))
          .replaceAll('/var/backups/treff', join(dir, 'backups'))
          .replace('/etc/treff/backup-key.asc', './backup.asc')
          .replace('  port: 8080\n', `  port: ${port}\n  internalPort: ${internalPort}\n`),
      );
      process.env['TREFF_DATABASE_URL'] = database.url;
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('backs up, refuses to overwrite without --force, restores and says to sync', async () => {
      assert.equal((await run('init', '--config', config)).code, 0);
      const backup = await run('backup', '--config', config);
      assert.equal(backup.code, 0, backup.err);
      const file = /^Wrote (\S+) \(\d+ bytes, encrypted\)\.\n$/.exec(backup.out)?.[1];
      assert.ok(file, backup.out);

      const refused = await run('restore', file, '--key', secret, '--config', config);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /holds members, accounts or logins: give --force/);

      const restored = await run('restore', file, '--key', secret, '--force', '--config', config);
      assert.equal(restored.code, 0, restored.err);
      assert.match(restored.out, /^Restored the backup of \d{4}-\d\d-\d\dT/);
      assert.match(restored.out, /Run treff sync as root now/);
    });

    test('names a wrong key and a missing backup key', async () => {
      assert.equal((await run('init', '--config', config)).code, 0);
      const file = /^Wrote (\S+) /.exec((await run('backup', '--config', config)).out)?.[1] ?? '';
      const other = await makeKey([{ email: 'other@example.org' }], new Date());
      await writeFile(join(dir, 'other.asc'), other.privateKey.armor());
      const wrong = await run('restore', file, '--key', join(dir, 'other.asc'), '--config', config);
      assert.equal(wrong.code, 1);
      assert.match(wrong.err, /is not encrypted to this key/);
      await rm(join(dir, 'backup.asc'));
      const missing = await run('backup', '--config', config);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /Cannot read the backup key .*backup\.asc: file not found/);
    });
  });
}
