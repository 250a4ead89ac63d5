import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, seedMembers, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { runRetention } from '../retention/index.ts';
import { IMPORT_RUN_KEEP_DAYS } from './import-runs.ts';

const DKB = await readFile(
  join(import.meta.dirname, '__fixtures__', 'camt', 'dkb-camt053-001-08.xml'),
  'utf8',
);
const STATEMENT =
  'Buchungstag;Verwendungszweck;Betrag\n01.02.2026;Beitrag Chaos-Nr. 7;5,00\n02.02.2026;Spende;20,00\n';
const MAPPING = {
  fileName: 'konto.csv',
  text: STATEMENT,
  delimiter: ';',
  headerLine: '1',
  decimal: ',',
  dateColumn: 'Buchungstag',
  amountColumn: 'Betrag',
  referenceColumn: 'Verwendungszweck',
  counterpartyColumn: '',
  memberNumberColumn: '',
};

const runKeyOf = (html: string) => /name="runKey" value="([^"]+)"/.exec(html)?.[1] ?? '';

for (const dialect of TEST_DIALECTS) {
  describe(`bank import from the web, with its progress page (${dialect})`, () => {
    let t: TestApp;
    let board: TestClient;
    let password: string;
    const count = async (table: 'bookings' | 'bank_imports' | 'import_runs') =>
      (await t.deps.db.selectFrom(table).select('id').execute()).length;

    /** Holds the work started after an answer until `release`, so a test sees a run underway. */
    function holdBackground() {
      const real = t.deps.background;
      const held: (() => Promise<void>)[] = [];
      t.deps.background = {
        run: (_name, task) => {
          held.push(task);
        },
        settle: () => real.settle(),
      };
      return {
        held,
        release: async () => {
          t.deps.background = real;
          for (const task of held.splice(0)) real.run('held', task);
          await real.settle();
        },
      };
    }

    beforeEach(async () => {
      t = await createTestApp(dialect);
      await seedMembers(t);
      board = new TestClient(t.app);
      password = await addUser(t.deps, 'kasse', ['board', 'treasurer']);
      await board.login('kasse', password);
      await board.get('/admin/contributions');
    });

    afterEach(async () => {
      await t.close();
    });

    test('a confirmed CSV preview books after the answer; the page shows progress, then the outcome; a second POST and a reload book nothing twice', async () => {
      const preview = await board.upload(
        '/admin/contributions/import',
        'file',
        'konto.csv',
        new TextEncoder().encode(STATEMENT),
      );
      const runKey = runKeyOf(await preview.text());
      assert.notEqual(runKey, '');
      const background = holdBackground();
      const first = await board.post('/admin/contributions/import/commit', { ...MAPPING, runKey });
      assert.equal(first.status, 303);
      const location = first.headers.get('location') ?? '';
      assert.match(location, /^\/admin\/contributions\/import\/runs\/[A-Za-z0-9_-]+$/);

      const underway = await (await board.get(location)).text();
      assert.match(underway, /0 von 2 Zeilen geschrieben/);
      assert.match(underway, /<meta http-equiv="refresh" content="2"/);
      assert.equal(await count('bookings'), 0, 'nothing is booked before the run');

      const again = await board.post('/admin/contributions/import/commit', { ...MAPPING, runKey });
      assert.equal(again.status, 303);
      assert.equal(again.headers.get('location'), location);
      assert.equal(background.held.length, 1, 'the same confirmation starts one run');

      await background.release();
      const done = await (await board.get(location)).text();
      assert.match(done, /2 Zeilen gelesen: 1 gebucht, 1 zum Zuordnen, 0 schon vorhanden/);
      assert.doesNotMatch(done, /http-equiv="refresh"/);
      assert.equal(await count('bookings'), 1);

      const reload = await board.post('/admin/contributions/import/commit', { ...MAPPING, runKey });
      assert.equal(reload.headers.get('location'), location);
      await t.settle();
      assert.equal(await count('bookings'), 1);
      assert.equal(await count('bank_imports'), 1);
      assert.equal(await count('import_runs'), 1);
      assert.match(await (await board.get(location)).text(), /1 gebucht, 1 zum Zuordnen/);
      const overview = await (await board.get('/admin/contributions')).text();
      assert.match(overview, /Nicht zugeordnete Zahlungen \(1\)/);

      // The run's row: counts, no names, amounts or references.
      const row = await t.deps.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.state, row.total, row.matched, row.unmatched, row.duplicates],
        ['done', 2, 1, 1, 0],
      );
      assert.doesNotMatch(JSON.stringify(row), /Spende|Chaos|kasse|konto/);
    });

    test('a CAMT file books through a run in English; a new upload of it books nothing again', async () => {
      const preview = await board.upload('/admin/contributions/import', 'file', 'konto.xml', DKB);
      const runKey = runKeyOf(await preview.text());
      const committed = await board.post('/admin/contributions/import/camt/commit', {
        fileName: 'konto.xml',
        xml: DKB,
        runKey,
      });
      assert.equal(committed.status, 303);
      await t.settle();
      const location = committed.headers.get('location') ?? '';
      const page = await (await board.get(`${location}?lang=en`)).text();
      assert.match(page, /Booking the bank statement/);
      assert.match(page, /3 rows read: 2 booked, 1 to assign, 0 imported before/);
      assert.equal(await count('bookings'), 2);

      const second = await board.upload('/admin/contributions/import', 'file', 'konto.xml', DKB);
      const secondKey = runKeyOf(await second.text());
      assert.notEqual(secondKey, runKey, 'each preview has its own confirmation');
      const rebooked = await board.post('/admin/contributions/import/camt/commit', {
        fileName: 'konto.xml',
        xml: DKB,
        runKey: secondKey,
      });
      await t.settle();
      assert.match(
        await (await board.get(rebooked.headers.get('location') ?? '')).text(),
        /3 rows read: 0 booked, 0 to assign, 3 imported before/,
      );
      assert.equal(await count('bookings'), 2);
    });

    test('a CAMT file with one unreadable entry starts no run, books nothing and names the entry', async () => {
      const broken = DKB.replace('<Dt>2026-03-10</Dt></BookgDt>', '<Dt>2026-02-30</Dt></BookgDt>');
      const committed = await board.post('/admin/contributions/import/camt/commit', {
        fileName: 'konto.xml',
        xml: broken,
        runKey: 'a'.repeat(43),
      });
      assert.equal(committed.status, 422);
      assert.match(await committed.text(), /statement DKB-2026-03-10, entry 1/);
      await t.settle();
      assert.equal(await count('import_runs'), 0);
      assert.equal(await count('bookings'), 0);
    });

    test('a confirmation without a valid token is refused; a run whose process died shows as interrupted; ended runs go after a day', async () => {
      const refused = await board.post('/admin/contributions/import/commit', {
        ...MAPPING,
        runKey: 'x',
      });
      assert.equal(refused.status, 422);
      assert.equal(await count('import_runs'), 0);

      const id = 'b'.repeat(43);
      await t.deps.db
        .insertInto('import_runs')
        .values({
          id,
          state: 'running',
          total: 5,
          import_id: null,
          matched: null,
          unmatched: null,
          duplicates: null,
          started_at: '2026-03-01T08:00:00.000Z',
          finished_at: null,
        })
        .execute();
      const interrupted = await (await board.get(`/admin/contributions/import/runs/${id}`)).text();
      assert.match(interrupted, /unterbrochen/);
      assert.doesNotMatch(interrupted, /http-equiv="refresh"/);
      assert.equal((await board.get('/admin/contributions/import/runs/nope')).status, 404);

      await board.post('/admin/contributions/import/commit', {
        ...MAPPING,
        runKey: 'c'.repeat(43),
      });
      await t.settle();
      assert.equal(await count('import_runs'), 2);
      t.clock.advance(25 * 60 * 60 * 1000);
      board = new TestClient(t.app);
      await board.login('kasse', password);
      await board.get('/admin/contributions');
      await board.post('/admin/contributions/import/commit', {
        ...MAPPING,
        runKey: 'd'.repeat(43),
      });
      await t.settle();
      assert.deepEqual(
        (await t.deps.db.selectFrom('import_runs').select('id').execute()).map((row) => row.id),
        ['d'.repeat(43)],
      );
    });

    test('the retention run deletes a run a day after it ended, and a run that never ended', async () => {
      await board.post('/admin/contributions/import/commit', {
        ...MAPPING,
        runKey: 'e'.repeat(43),
      });
      await t.settle();
      await runRetention(t.deps, { dryRun: false, scope: 'treff' });
      assert.equal(await count('import_runs'), 1, 'kept for its page');
      t.clock.advance((IMPORT_RUN_KEEP_DAYS * 24 + 1) * 60 * 60 * 1000);
      await runRetention(t.deps, { dryRun: false, scope: 'treff' });
      assert.equal(await count('import_runs'), 0);
      assert.equal(await count('bookings'), 1, 'the booking stays');
    });
  });
}
