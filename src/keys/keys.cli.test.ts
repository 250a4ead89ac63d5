import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../test/support/db.ts';
import { DOMAIN, makeKey, withWks } from '../../test/support/keys.ts';
import { createApp, createRuntime } from '../app.ts';
import { loadConfig } from '../core/config/load.ts';
import { silentLogger } from '../core/log.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

for (const dialect of TEST_DIALECTS) {
  describe(`treff keys (${dialect})`, () => {
    let dir: string;
    let config: string;
    let database: TestDatabase;
    const runtimeOptions = () => ({
      log: silentLogger(),
      hasher: testHasher,
      accountHasher: testAccountHasher,
      ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
    });
    const run = (...args: string[]) =>
      runTreff([...args, '--config', config], { runtimeOptions: runtimeOptions() });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'treff-keys-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      config = join(dir, 'treff.yaml');
      await writeFile(config, withWks(await readFile(EXAMPLE_CONFIG, 'utf8')));
      process.env['TREFF_DATABASE_URL'] = database.url;
      await writeFile(
        join(dir, 'members.csv'),
        `${HEADER}\n42,Ada,Lovelace,,,,,ada@example.org,,,2024-01-01,\n`,
      );
      assert.equal((await run('members', 'import', join(dir, 'members.csv'))).code, 0);
      assert.equal((await run('accounts', 'create', '42', 'ada')).code, 0);
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('publishes, lists and removes a key; refused keys fail with a reason and change nothing', async () => {
      const ada = await makeKey(
        [{ name: 'Ada', email: `ada@${DOMAIN}` }, { email: 'ada@example.org' }],
        new Date(),
      );
      const file = join(dir, 'ada.asc');
      await writeFile(file, ada.armored);
      const secret = join(dir, 'secret.asc');
      await writeFile(secret, ada.privateKey.armor());
      const garbage = join(dir, 'garbage.asc');
      await writeFile(garbage, 'hello');

      const refusedSecret = await run('keys', 'publish', `ada@${DOMAIN}`, secret);
      assert.equal(refusedSecret.code, 1);
      assert.match(refusedSecret.err, /^treff: This is a secret \(private\) key/);
      const refusedGarbage = await run('keys', 'publish', `ada@${DOMAIN}`, garbage);
      assert.match(refusedGarbage.err, /not a readable OpenPGP public key/);
      const unknown = await run('keys', 'publish', `nobody@${DOMAIN}`, file);
      assert.match(unknown.err, /not the address of a member account/);
      assert.equal((await run('keys', 'list')).out, '');

      const published = await run('keys', 'publish', `ada@${DOMAIN}`, file, '--set-fingerprint');
      assert.equal(published.code, 0, published.err);
      const fingerprint = ada.publicKey.getFingerprint().toUpperCase();
      assert.match(published.out, new RegExp(`Published ${fingerprint} for ada@${DOMAIN}`));
      assert.match(published.out, /registry fingerprint is set/);
      const list = await run('keys', 'list');
      assert.match(
        list.out,
        new RegExp(
          `^ada@${DOMAIN}\\t${fingerprint}\\t\\d{4}-\\d{2}-\\d{2}\\tnever\\t42\\tcli$`,
          'm',
        ),
      );
      const shown = await run('members', 'show', '42', '--json');
      assert.match(shown.out, new RegExp(fingerprint));

      assert.equal((await run('keys', 'remove', `ADA@${DOMAIN}`)).code, 0);
      assert.equal((await run('keys', 'list')).out, '');
      const again = await run('keys', 'remove', `ada@${DOMAIN}`);
      assert.equal(again.code, 1);
      assert.match(again.err, /No key is published/);
    });

    test('check tests the live WKD of a running treff and fails when it is wrong', async () => {
      const ada = await makeKey([{ email: `ada@${DOMAIN}` }], new Date());
      await writeFile(join(dir, 'ada.asc'), ada.armored);
      assert.equal((await run('keys', 'publish', `ada@${DOMAIN}`, join(dir, 'ada.asc'))).code, 0);
      const runtime = await createRuntime(await loadConfig(config), runtimeOptions());
      const server = serve({ fetch: createApp(runtime).fetch, hostname: '127.0.0.1', port: 0 });
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const good = await run('keys', 'check', '--base-url', `http://127.0.0.1:${port}/`);
        assert.equal(good.code, 0, good.out + good.err);
        assert.match(good.out, new RegExp(`ok {3}advanced: key ada@${DOMAIN}: ok`));
        assert.match(good.out, /ok {3}direct: policy/);
        assert.match(good.out, /ok {3}advanced: domain in the path is case-insensitive/);
        assert.match(good.out, /All \d+ WKD checks passed/);
        // A server that is not treff: every check fails, and the command says so.
        const bad = await run(
          'keys',
          'check',
          '--base-url',
          `http://127.0.0.1:${port}/nothing-here`,
        );
        assert.equal(bad.code, 1);
        assert.match(bad.out, /FAIL direct: policy/);
        assert.match(bad.err, /WKD checks failed/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
        await runtime.close();
      }
    });
  });
}
