import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  addUser,
  createTestApp,
  EXAMPLE_CONFIG,
  seedMembers,
  testAccountHasher,
  testHasher,
  type TestApp,
} from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { TestClient } from '../../test/support/client.ts';
import { createTestDatabase, TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { ConflictError, ValidationError } from '../core/errors.ts';
import { silentLogger } from '../core/log.ts';
import { commitCamtImport, previewCamtImport } from './camt.service.ts';
import { assignBankRow, listUnmatched } from './contributions.service.ts';

const FIXTURES = join(import.meta.dirname, '__fixtures__', 'camt');
const SPARKASSE = await readFile(join(FIXTURES, 'sparkasse-camt053-001-02.xml'), 'utf8');
const DKB = await readFile(join(FIXTURES, 'dkb-camt053-001-08.xml'), 'utf8');

for (const dialect of TEST_DIALECTS) {
  describe(`CAMT.053 import (${dialect})`, () => {
    let t: TestApp;
    const count = async (table: 'bookings' | 'bank_import_rows' | 'bank_imports') =>
      (await t.deps.db.selectFrom(table).select('id').execute()).length;

    beforeEach(async () => {
      t = await createTestApp(dialect);
      await seedMembers(t);
    });
    afterEach(() => t.close());

    test('books matched transfers, queues the rest, and a re-import books nothing twice', async () => {
      const first = await commitCamtImport(t.deps, CLI_ACTOR, 'sparkasse.xml', SPARKASSE);
      assert.deepEqual(
        { rows: first.rows, matched: first.matched, unmatched: first.unmatched },
        { rows: 6, matched: 3, unmatched: 3 },
      );
      const queued = await listUnmatched(t.deps);
      assert.deepEqual(queued.map((row) => row.reference).sort(), [
        'Membership fee member 9',
        'RUECKLASTSCHRIFT Beitrag Chaos-Nr. 42',
        'Spende',
      ]);
      const again = await commitCamtImport(t.deps, CLI_ACTOR, 'sparkasse-again.xml', SPARKASSE);
      assert.deepEqual(
        { matched: again.matched, unmatched: again.unmatched, duplicates: again.duplicates },
        { matched: 0, unmatched: 0, duplicates: 6 },
      );
      assert.equal(await count('bookings'), 3);
      assert.equal(await count('bank_import_rows'), 6);
      const preview = await previewCamtImport(t.deps, SPARKASSE);
      assert.ok(preview.rows.every((row) => row.duplicate));
    });

    test('a file with one unreadable entry books nothing and names the entry', async () => {
      const broken = DKB.replace('<Amt Ccy="EUR">39.90</Amt>', '<Amt Ccy="EUR">-39.90</Amt>');
      await assert.rejects(
        commitCamtImport(t.deps, CLI_ACTOR, 'dkb.xml', broken),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.code, 'statement_invalid');
          assert.deepEqual(error.issues, [
            {
              path: 'statement DKB-2026-03-10, entry 2 (DKB-20260310-AA02)',
              message: '"-39.90" is not an amount',
            },
          ]);
          return true;
        },
      );
      assert.equal(await count('bookings'), 0);
      assert.equal(await count('bank_import_rows'), 0);
      assert.equal(await count('bank_imports'), 0);
    });

    test('a transfer in another currency is never booked as the ledger currency', async () => {
      await commitCamtImport(t.deps, CLI_ACTOR, 'sparkasse.xml', SPARKASSE);
      const usd = (await listUnmatched(t.deps)).find((row) => row.currency === 'USD');
      assert.ok(usd);
      await assert.rejects(
        assignBankRow(t.deps, CLI_ACTOR, usd.id, '9'),
        (error: unknown) =>
          error instanceof ConflictError && error.code === 'bank_row_foreign_currency',
      );
      assert.equal(await count('bookings'), 3);
    });

    test('the web import detects CAMT, previews, books, and shows the second upload as done', async () => {
      const board = new TestClient(t.app);
      await board.login('kasse', await addUser(t.deps, 'kasse', ['board', 'treasurer']));
      await board.get('/admin/contributions');
      const preview = await board.upload('/admin/contributions/import', 'file', 'konto.xml', DKB, {
        type: 'auto',
      });
      assert.equal(preview.status, 200);
      const html = await preview.text();
      assert.match(html, /camt\.053\.001\.08/);
      assert.match(html, /3 Zeilen: 2 zugeordnet, 1 ohne Zuordnung, 0 schon importiert/);
      assert.match(html, /statement DKB-2026-03-10, entry 1\.2/);
      const committed = await board.post('/admin/contributions/import/camt/commit', {
        runKey: /name="runKey" value="([^"]+)"/.exec(html)?.[1] ?? '',
        fileName: 'konto.xml',
        xml: DKB,
      });
      assert.equal(committed.status, 303);
      await t.settle();
      const outcome = await board.get(committed.headers.get('location') ?? '');
      assert.match(await outcome.text(), /3 Zeilen gelesen: 2 gebucht, 1 zum Zuordnen/);
      assert.equal(await count('bookings'), 2);
      const second = await board.upload('/admin/contributions/import', 'file', 'konto.xml', DKB, {
        type: 'camt',
      });
      assert.match(await second.text(), /0 zugeordnet, 0 ohne Zuordnung, 3 schon importiert/);
      const broken = await board.upload(
        '/admin/contributions/import',
        'file',
        'konto.xml',
        DKB.replace('<Dt>2026-03-10</Dt></BookgDt>', '<Dt>2026-02-30</Dt></BookgDt>'),
      );
      assert.equal(broken.status, 422);
      assert.doesNotMatch(await broken.text(), /import\/camt\/commit/);
    });
  });
}

describe('treff members import-statement', () => {
  let dir: string;
  afterEach(async () => {
    delete process.env['TREFF_DATABASE_URL'];
    await rm(dir, { recursive: true, force: true });
  });

  test('previews with --dry-run, books, and lists the entry that cannot be read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-camt-cli-'));
    const database = await createTestDatabase('sqlite', join(dir, 'data'));
    const config = join(dir, 'treff.yaml');
    await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
    process.env['TREFF_DATABASE_URL'] = database.url;
    const options = {
      runtimeOptions: { log: silentLogger(), hasher: testHasher, accountHasher: testAccountHasher },
    };
    const run = (...args: string[]) => runTreff([...args, '--config', config], options);
    await writeFile(
      join(dir, 'members.csv'),
      'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on\n42,Ada,Lovelace,,,,,,,,2024-01-01,\n',
    );
    assert.equal((await run('members', 'import', join(dir, 'members.csv'))).code, 0);
    const file = join(dir, 'statement.xml');
    await writeFile(file, SPARKASSE);
    const dry = await run('members', 'import-statement', file, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /6 rows: 1 matched, 5 to review, 0 imported before \(dry run/);
    const booked = await run('members', 'import-statement', file);
    assert.match(booked.out, /Booked .*: 6 rows, 1 matched, 5 to review, 0 imported before/);
    const twice = await run('members', 'import-statement', file);
    assert.match(twice.out, /0 matched, 0 to review, 6 imported before/);
    const broken = join(dir, 'broken.xml');
    await writeFile(
      broken,
      SPARKASSE.replace(
        '<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>',
        '<CdtDbtInd>CRED</CdtDbtInd>\n        <Sts>',
      ),
    );
    const refused = await run('members', 'import-statement', broken);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /statement 2026-03-02-0001, entry 1 \(2026030200012345\): CdtDbtInd is "CRED"/,
    );
  });
});
