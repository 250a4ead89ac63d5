import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { memberPortalClient, TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { bookPayment, createMember, setFee, type Member } from '../members/index.ts';
import type { AccessReport } from './access.service.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`right of access and the member portal (${dialect})`, () => {
    let t: TestApp;
    let ada: Member;
    let alan: Member;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      ada = await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      alan = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '43',
          firstName: 'Alan',
          lastName: 'Turing',
          email: 'alan@example.org',
        }),
      );
      await setFee(t.deps, CLI_ACTOR, { includeRestricted: false }, ada.id, {
        amount: '5',
        intervalMonths: '1',
        validFrom: '2026-02-01',
      });
      await bookPayment(t.deps, CLI_ACTOR, { includeRestricted: false }, ada.id, {
        bookedOn: '2026-02-03',
        amount: '5',
        reference: 'Beitrag Februar',
      });
    });
    afterEach(() => t.close());

    test('a member sees everything stored about them, as a page and as JSON', async () => {
      const client = await memberPortalClient(t, 'ada@example.org');
      const page = await client.get('/me/data');
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Beispielweg 1/);
      assert.match(html, /Beitrag Februar/);
      assert.match(html, /Mitgliederverwaltung und Beiträge/);
      assert.match(
        html,
        /8 Jahre ab Ende der Mitgliedschaft \(gerechnet ab Ende des Kalenderjahres\)/,
      );
      const json = await client.get('/me/data.json');
      assert.match(json.headers.get('content-disposition') ?? '', /attachment/);
      const report = (await json.json()) as AccessReport;
      assert.equal(report.member.memberNumber, '42');
      assert.equal(report.member.birthDate, '1990-12-10');
      assert.equal(report.contributions.balance, '-5.00');
      assert.deepEqual(
        report.contributions.bookings.map((b) => [b.bookedOn, b.amount]),
        [['2026-02-03', '5.00']],
      );
      assert.equal(report.loginLinks.length, 1);
      assert.ok(report.loginLinks[0]?.usedAt);
      assert.ok(report.auditEvents.some((event) => event.event === 'contributions.payment.booked'));
      assert.ok(report.processing.some((activity) => activity.activity === 'membership'));
      assert.doesNotMatch(JSON.stringify(report), /Turing|alan@example/);
    });

    test("a member cannot open another member's page, the registry or its export", async () => {
      const client = await memberPortalClient(t, 'alan@example.org');
      for (const path of [
        `/admin/members/${ada.id}`,
        `/admin/members/${ada.id}/access`,
        `/admin/members/${ada.id}/access.json`,
        '/admin/members',
        '/admin/members/export.csv',
        '/admin/contributions',
      ]) {
        const response = await client.get(path);
        assert.equal(response.status, 403, path);
        assert.doesNotMatch(await response.text(), /Lovelace/, path);
      }
      const own = (await (await client.get('/me/data.json')).json()) as AccessReport;
      assert.equal(own.member.lastName, 'Turing');
      assert.equal(
        (
          await client.post(`/admin/members/${ada.id}/payments`, {
            bookedOn: '2026-03-01',
            amount: '1',
            reference: 'x',
          })
        ).status,
        403,
      );
    });

    test('the board reads any member’s access report, and producing it is recorded', async () => {
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const report = (await (
        await board.get(`/admin/members/${alan.id}/access.json`)
      ).json()) as AccessReport;
      assert.equal(report.member.lastName, 'Turing');
      assert.equal((await board.get(`/admin/members/${alan.id}/access`)).status, 200);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select(['event', 'actor_type'])
        .where('event', '=', 'members.access.exported')
        .execute();
      assert.deepEqual(events, [
        { event: 'members.access.exported', actor_type: 'user' },
        { event: 'members.access.exported', actor_type: 'user' },
      ]);
    });

    test('anonymous visitors are sent to the login page', async () => {
      const response = await new TestClient(t.app).get('/me/data.json');
      assert.equal(response.status, 401);
      const page = await new TestClient(t.app).get('/me');
      assert.equal(page.headers.get('location'), '/login?next=%2Fme');
    });
  });
}
