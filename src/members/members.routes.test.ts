import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { markMemberRestricted } from './members.repo.ts';
import { createMember } from './members.service.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

for (const dialect of TEST_DIALECTS) {
  describe(`registry pages (${dialect})`, () => {
    let t: TestApp;
    let board: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
    });
    afterEach(() => t.close());

    test('asks anonymous visitors to log in and refuses roles without access', async () => {
      const anonymous = new TestClient(t.app);
      const response = await anonymous.get('/admin/members');
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/login?next=%2Fadmin%2Fmembers');
      const admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
      assert.equal((await admin.get('/admin/members')).status, 403);
      assert.equal((await admin.get('/admin/members/export.csv')).status, 403);
      assert.equal((await admin.get('/admin/outbox')).status, 200);
      assert.equal((await board.get('/admin/outbox')).status, 403);
    });

    test('the board creates, finds and edits a member through the forms', async () => {
      await board.get('/admin/members/new');
      const created = await board.post(
        '/admin/members',
        memberInput({ firstName: 'Käthe', lastName: 'Kollwitz' }),
      );
      assert.equal(created.status, 303);
      const detailPath = created.headers.get('location') ?? '';
      const detail = await (await board.get(detailPath)).text();
      assert.match(detail, /Käthe Kollwitz/);
      assert.match(detail, /Chaos-Nr\./);
      assert.match(await (await board.get('/admin/members?q=kathe')).text(), /Kollwitz, Käthe/);
      const edited = await board.post(
        detailPath,
        memberInput({ firstName: 'Käthe', lastName: 'Kollwitz', city: 'Berlin' }),
      );
      assert.equal(edited.status, 303);
      const history = await (await board.get(detailPath)).text();
      assert.match(history, /geändert/);
      assert.match(history, /<td>Ort<\/td>/);
    });

    test('a duplicate member number is refused with the form kept', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput());
      await board.get('/admin/members/new');
      const response = await board.post(
        '/admin/members',
        memberInput({ firstName: 'Other', email: 'other@example.org' }),
      );
      assert.equal(response.status, 409);
      const html = await response.text();
      assert.match(html, /is already taken/);
      assert.match(html, /value="other@example.org"/);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 1);
    });

    test('invalid fields are shown next to the form and nothing is stored', async () => {
      await board.get('/admin/members/new');
      const response = await board.post(
        '/admin/members',
        memberInput({ openpgpFingerprint: 'ABCD', birthDate: '2030-01-01' }),
      );
      assert.equal(response.status, 422);
      const html = await response.text();
      assert.match(html, /40 hex digits/);
      assert.match(html, /must be before the join date/);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
    });

    test('a CSV upload with one bad row imports nothing and names the row', async () => {
      await board.get('/admin/members/import');
      const bad = `${HEADER}\n1,Ada,Lovelace,,,,,,,,2024-01-01,\n2,Alan,Turing,,,,,,,,01.01.2024,\n`;
      const report = await board.upload('/admin/members/import', 'file', 'members.csv', bad);
      assert.equal(report.status, 422);
      assert.match(
        await report.text(),
        /<td>3<\/td><td>joined_on<\/td><td>expected a date as YYYY-MM-DD<\/td>/,
      );
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);

      const good = `${HEADER}\n1,Ada,Lovelace,,,,,,,,2024-01-01,\n2,Alan,Turing,,,,,,,,2024-01-01,\n`;
      const checked = await board.upload('/admin/members/import', 'file', 'members.csv', good);
      assert.equal(checked.status, 200);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
      const committed = await board.post('/admin/members/import/commit', {
        csv: good,
        fileName: 'members.csv',
      });
      assert.match(await committed.text(), /2 Mitglieder wurden importiert/);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 2);
    });

    test('exports the registry as CSV with the documented header', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput());
      const response = await board.get('/admin/members/export.csv?status=active');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /attachment; filename="members-2026-03-01.csv"/,
      );
      const csv = await response.text();
      assert.ok(csv.startsWith(`${HEADER}\r\n42,Ada,Lovelace,1990-12-10,`));
      const audit = await t.deps.db
        .selectFrom('audit_events')
        .select('event')
        .where('event', '=', 'members.csv.exported')
        .execute();
      assert.equal(audit.length, 1);
    });

    test('books a payment, reverses it and shows both', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      const path = `/admin/members/${member.id}`;
      await board.get(path);
      assert.equal(
        (
          await board.post(`${path}/fee`, {
            amount: '5,00',
            intervalMonths: '1',
            validFrom: '2026-01-01',
          })
        ).status,
        303,
      );
      assert.equal(
        (
          await board.post(`${path}/payments`, {
            bookedOn: '2026-01-02',
            amount: '15',
            reference: 'Q1',
          })
        ).status,
        303,
      );
      const bookingId =
        /\/admin\/bookings\/([0-9a-f-]{36})\/reverse/.exec(
          await (await board.get(path)).text(),
        )?.[1] ?? '';
      assert.equal(
        (await board.post(`/admin/bookings/${bookingId}/reverse`, { memberId: member.id })).status,
        303,
      );
      assert.equal(
        (await board.post(`/admin/bookings/${bookingId}/reverse`, { memberId: member.id })).status,
        409,
      );
      const html = await (await board.get(path)).text();
      assert.match(html, /Storno/);
      assert.match(html, /Rückstand 15,00/);
    });

    test('imports a bank statement through the mapping page and lists what is unmatched', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '7' }));
      const statement =
        'Buchungstag;Verwendungszweck;Betrag\n01.02.2026;Beitrag Chaos-Nr. 7;5,00\n02.02.2026;Spende;20,00\n';
      await board.get('/admin/contributions');
      const preview = await board.upload(
        '/admin/contributions/import',
        'file',
        'konto.csv',
        new TextEncoder().encode(statement),
      );
      const html = await preview.text();
      assert.match(html, /Nr\. 7 \(Verwendungszweck\)/);
      assert.match(html, /keine Mitgliedsnummer gefunden/);
      assert.equal((await t.deps.db.selectFrom('bookings').select('id').execute()).length, 0);
      const committed = await board.post('/admin/contributions/import/commit', {
        runKey: /name="runKey" value="([^"]+)"/.exec(html)?.[1] ?? '',
        fileName: 'konto.csv',
        text: statement,
        delimiter: ';',
        headerLine: '1',
        decimal: ',',
        dateColumn: 'Buchungstag',
        amountColumn: 'Betrag',
        referenceColumn: 'Verwendungszweck',
        counterpartyColumn: '',
        memberNumberColumn: '',
      });
      assert.equal(committed.status, 303);
      await t.settle();
      const outcome = await (await board.get(committed.headers.get('location') ?? '')).text();
      assert.match(outcome, /2 Zeilen gelesen: 1 gebucht, 1 zum Zuordnen/);
      const overview = await (await board.get('/admin/contributions')).text();
      assert.match(overview, /Nicht zugeordnete Zahlungen \(1\)/);
    });

    test('restricted former members are visible to the treasurer only, and the access is recorded', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput({ leftOn: '2025-12-31' }));
      await markMemberRestricted(t.deps.db, member.id, '2026-01-01T00:00:00.000Z');
      assert.equal((await board.get(`/admin/members/${member.id}`)).status, 404);
      assert.doesNotMatch(await (await board.get('/admin/members?status=all')).text(), /Lovelace/);
      const treasurer = new TestClient(t.app);
      await treasurer.login('kasse', await addUser(t.deps, 'kasse', ['treasurer']));
      const page = await treasurer.get(`/admin/members/${member.id}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Art\. 18 DSGVO/);
      assert.match(
        await (await treasurer.get('/admin/members?status=restricted')).text(),
        /Lovelace/,
      );
      const viewed = await t.deps.db
        .selectFrom('audit_events')
        .select('event')
        .where('event', '=', 'members.restricted.viewed')
        .execute();
      assert.equal(viewed.length, 1);
    });
  });
}
