import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { guessMapping, parseStatement } from './bank-import.ts';
import { commitBankImport } from './contributions.service.ts';
import { parseMemberCsv } from './members.csv.ts';
import { createMember } from './members.service.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
const members = (count: number, joinedOn = '2024-01-01') =>
  [
    HEADER,
    ...Array.from({ length: count }, (_, i) => `${i + 1},A${i},B${i},,,,,,,,${joinedOn},`),
  ].join('\n');
const statement = (count: number, reference: (i: number) => string) =>
  [
    'Buchungstag;Betrag;Verwendungszweck',
    ...Array.from({ length: count }, (_, i) => `01.03.2026;5,00;${reference(i)} Zeile ${i}`),
  ].join('\n');

test('a file over 20,000 rows is refused with one issue, before it is read to the end', () => {
  assert.deepEqual(parseMemberCsv(members(20_000)).issues, []);
  assert.deepEqual(parseMemberCsv(`${members(20_001)}\n`).issues, [
    {
      line: 20_002,
      path: '',
      message: 'the file has more than 20,000 rows: split it into several files',
    },
  ]);
  const text = statement(20_001, () => 'Nr 1');
  const { rows, issues } = parseStatement(text, guessMapping(text).mapping);
  assert.equal(rows.length, 0);
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.message]),
    [[20_002, 'the file has more than 20,000 rows: split it into several files']],
  );
});

for (const dialect of TEST_DIALECTS) {
  describe(`large imports (${dialect})`, () => {
    let t: TestApp;
    let board: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      board = new TestClient(t.app);
      await board.login('kasse', await addUser(t.deps, 'kasse', ['board', 'treasurer']));
    });
    afterEach(() => t.close());

    test('a dry run with many problems lists the first 100 and counts the rest', async () => {
      await board.get('/admin/members/import');
      const response = await board.upload(
        '/admin/members/import',
        'file',
        'members.csv',
        members(250, '2024-13-01'),
      );
      assert.equal(response.status, 422);
      const html = await response.text();
      assert.match(html, /250 Probleme gefunden/);
      assert.match(html, /Gezeigt werden die ersten 100 von 250 Problemen/);
      assert.equal(html.match(/<tr><td>\d+<\/td>/g)?.length, 100);
    });

    test('a statement preview shows 100 rows, those without a match first, and the counts', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '7' }));
      const text = statement(300, (i) => (i % 3 === 0 ? 'Spende' : 'Beitrag Chaos-Nr. 7'));
      await board.get('/admin/contributions');
      const response = await board.upload(
        '/admin/contributions/import',
        'file',
        'konto.csv',
        new TextEncoder().encode(text),
      );
      const html = await response.text();
      assert.match(html, /300 Zeilen: 200 zugeordnet, 100 ohne Zuordnung, 0 schon importiert/);
      assert.match(html, /Gezeigt werden 100 von 300 Zeilen/);
      const shown = html.match(/<tr><td>\d+<\/td>/g) ?? [];
      assert.equal(shown.length, 100);
      assert.doesNotMatch(html.slice(html.indexOf('<tbody>')), /Chaos-Nr\. 7 Zeile/);
    });

    test('books a statement of more rows than one insert holds, every row with its audit entry', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '7' }));
      const text = statement(1_234, () => 'Beitrag Chaos-Nr. 7');
      const result = await commitBankImport(
        t.deps,
        CLI_ACTOR,
        'konto.csv',
        text,
        guessMapping(text).mapping,
      );
      assert.equal(result.matched, 1_234);
      const count = async (table: 'bookings' | 'bank_import_rows') =>
        (await t.deps.db.selectFrom(table).select('id').execute()).length;
      assert.equal(await count('bookings'), 1_234);
      assert.equal(await count('bank_import_rows'), 1_234);
      const booked = await t.deps.db
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'contributions.payment.booked')
        .where('member_id', '=', member.id)
        .execute();
      assert.equal(booked.length, 1_234);
    });
  });
}
