import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  addUser,
  createTestApp,
  EXAMPLE_CONFIG,
  memberInput,
  testAccountHasher,
  testHasher,
  type TestApp,
} from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { TestClient } from '../../test/support/client.ts';
import { createTestDatabase, TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Db } from '../core/db/database.ts';
import { silentLogger } from '../core/log.ts';
import { createMember } from '../members/index.ts';
import { addMandate } from './sepa.service.ts';

const IBAN = 'DE02120300000000202051';

/** Every page of the board and admin UI with a form, as a board member with every role sees it. */
const PAGES = [
  '/admin/members',
  '/admin/members/new',
  '/admin/members/import',
  '/admin/contributions',
  '/admin/sepa',
  '/admin/assemblies',
  '/admin/accounts',
  '/admin/keys',
  '/admin/requests',
  '/admin/disclosures',
  '/admin/users',
];

/** Every text value in every table: the IBAN must be in none of them. */
async function databaseText(db: Db): Promise<string> {
  const tables = await db.introspection.getTables();
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await db
      .selectFrom(table.name as 'members')
      .selectAll()
      .execute();
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

for (const dialect of TEST_DIALECTS) {
  describe(`a club that declares no bank details (${dialect})`, () => {
    let t: TestApp;
    let board: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      board = new TestClient(t.app);
      await board.login(
        'vorstand',
        await addUser(t.deps, 'vorstand', ['board', 'treasurer', 'admin']),
      );
      await createMember(t.deps, CLI_ACTOR, memberInput());
    });
    afterEach(() => t.close());

    test('no form accepts an IBAN: no page has the field, the routes refuse, nothing is stored', async () => {
      for (const path of PAGES) {
        const response = await board.get(path);
        assert.equal(response.status, 200, path);
        assert.doesNotMatch(await response.text(), /name="(iban|bic)"/i, path);
      }
      const page = await (await board.get('/admin/sepa')).text();
      assert.match(page, /declares no bank details|erklärt keine Bankverbindungen/);

      const refused = await board.post('/admin/sepa/mandates', {
        memberNumber: '42',
        iban: IBAN,
        bic: 'BYLADEM1001',
        holder: 'Ada Lovelace',
        reference: 'M-42',
        signedOn: '2026-02-01',
        sequence: 'FRST',
      });
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /bank_details_not_declared/);
      assert.equal(
        (await board.post('/admin/sepa/collections', { dueOn: '2026-04-01' })).status,
        403,
      );

      // The member form ignores a smuggled field rather than keeping it anywhere.
      await board.get('/admin/members/new');
      await board.post('/admin/members', {
        ...memberInput({ memberNumber: '43', email: 'bob@example.org' }),
        iban: IBAN,
      });
      await assert.rejects(addMandate(t.deps, CLI_ACTOR, { memberNumber: '42', iban: IBAN }), {
        code: 'bank_details_not_declared',
      });
      assert.doesNotMatch(await databaseText(t.deps.db), new RegExp(IBAN));
    });
  });

  describe(`treff sepa without declared bank details (${dialect})`, () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'treff-sepa-cli-'));
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('the CLI refuses to record a mandate', async () => {
      const database = await createTestDatabase(dialect, join(dir, 'data'));
      process.env['TREFF_DATABASE_URL'] = database.url;
      const config = join(dir, 'treff.yaml');
      await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
      const run = await runTreff(
        [
          'sepa',
          'mandate',
          'add',
          '--config',
          config,
          '--member',
          '42',
          '--iban',
          IBAN,
          '--holder',
          'Ada Lovelace',
          '--reference',
          'M-42',
          '--signed-on',
          '2026-02-01',
        ],
        {
          runtimeOptions: {
            log: silentLogger(),
            hasher: testHasher,
            accountHasher: testAccountHasher,
            ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
          },
        },
      );
      assert.equal(run.code, 1);
      assert.match(run.err, /does not declare bank details/);
    });
  });
}
