import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../test/support/db.ts';
import { createRuntime } from '../app.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { loadConfig } from '../core/config/load.ts';
import { silentLogger } from '../core/log.ts';
import { getMemberByNumber } from '../members/index.ts';
import { recordRequest } from './index.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

for (const dialect of TEST_DIALECTS) {
  describe(`treff requests (${dialect})`, () => {
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
      dir = await mkdtemp(join(tmpdir(), 'treff-requests-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      config = join(dir, 'treff.yaml');
      await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
      process.env['TREFF_DATABASE_URL'] = database.url;
      await writeFile(
        join(dir, 'members.csv'),
        `${HEADER}\n42,Ada,Lovelace,,,,,ada@example.org,,,2024-01-01,\n`,
      );
      assert.equal((await run('members', 'import', join(dir, 'members.csv'))).code, 0);
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('lists, shows, verifies, extends and approves a mailed request', async () => {
      const mailFile = join(dir, 'request.eml');
      await writeFile(
        mailFile,
        'From: ada@example.net\nSubject: Account\n\nIch hätte gern einen Account.\n',
      );
      const runtime = await createRuntime(await loadConfig(config), runtimeOptions());
      let id: string;
      try {
        ({ id } = await recordRequest(runtime, CLI_ACTOR, {
          kind: 'other',
          channel: 'mail',
          receivedAt: new Date(),
          lang: 'de',
          identity: { kind: 'unknown' },
          replyTo: 'ada@example.net',
          mailFile,
          subject: 'Account',
        }));
        assert.ok(await getMemberByNumber(runtime, { includeRestricted: true }, '42'));
      } finally {
        await runtime.close();
      }
      const list = await run('requests', 'list');
      assert.equal(list.code, 0, list.err);
      assert.match(list.out, new RegExp(`${id}.*other.*awaiting-verification.*due`));
      const show = await run('requests', 'show', id);
      assert.match(show.out, /Ich hätte gern einen Account/);

      const refused = await run('requests', 'approve', id, '--username', 'ada');
      assert.equal(refused.code, 1);
      assert.match(refused.err, /not verified/);

      assert.equal((await run('requests', 'kind', id, 'account.create')).code, 0);
      const verified = await run('requests', 'verify', id, '--how', 'Anruf', '--member', '42');
      assert.equal(verified.code, 0, verified.err);
      const extended = await run('requests', 'extend', id, '--reason', 'Urlaub des Vorstands');
      assert.equal(extended.code, 0, extended.err);
      assert.match(extended.out, /Now due/);
      const approved = await run('requests', 'approve', id, '--username', 'ada');
      assert.equal(approved.code, 0, approved.err);
      assert.match(approved.out, /account\.created/);
      assert.match((await run('requests', 'list')).out, /No requests/);
      assert.match((await run('requests', 'list', '--all')).out, /done/);
      assert.doesNotMatch((await run('requests', 'show', id)).out, /Ich hätte gern/);
    });

    test('denies with a reason', async () => {
      const runtime = await createRuntime(await loadConfig(config), runtimeOptions());
      let id: string;
      try {
        ({ id } = await recordRequest(runtime, CLI_ACTOR, {
          kind: 'erasure',
          channel: 'mail',
          receivedAt: new Date(),
          lang: 'en',
          identity: { kind: 'unknown' },
          replyTo: null,
        }));
      } finally {
        await runtime.close();
      }
      assert.equal((await run('requests', 'deny', id)).code, 1, 'the reason is required');
      const denied = await run('requests', 'deny', id, '--reason', 'No such member.');
      assert.equal(denied.code, 0, denied.err);
      assert.match((await run('requests', 'show', id)).out, /denied/);
    });
  });
}
