import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { bookPayment, CLI_VISIBILITY, createMember, setFee } from '../members/index.ts';
import { boardFigures, lastMonths, unpaidDues } from './dashboard.service.ts';

test('payments settle the oldest dues first', () => {
  const dues = [
    { dueOn: '2026-02-01', amountCents: 500 },
    { dueOn: '2026-01-01', amountCents: 500 },
    { dueOn: '2026-03-01', amountCents: 500 },
  ];
  assert.deepEqual(unpaidDues(dues, 700), [
    { dueOn: '2026-02-01', amountCents: 300 },
    { dueOn: '2026-03-01', amountCents: 500 },
  ]);
  assert.deepEqual(unpaidDues(dues, 1500), []);
});

test('the twelve months end with the current one and cross the year', () => {
  const months = lastMonths('2026-03-01', 12);
  assert.equal(months[0], '2025-04');
  assert.equal(months.at(-1), '2026-03');
});

for (const dialect of TEST_DIALECTS) {
  describe(`the board's dashboard (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      const fee = { amount: '5.00', intervalMonths: 1, validFrom: '2025-10-01' };
      const ada = await createMember(t.deps, CLI_ACTOR, memberInput({ joinedOn: '2025-10-01' }));
      const bob = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '43', email: 'bob@example.org', joinedOn: '2026-01-15' }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '44',
          email: 'c@example.org',
          joinedOn: '2025-06-01',
          leftOn: '2026-02-28',
        }),
      );
      await setFee(t.deps, CLI_ACTOR, CLI_VISIBILITY, ada.id, fee);
      await setFee(t.deps, CLI_ACTOR, CLI_VISIBILITY, bob.id, { ...fee, validFrom: '2026-01-15' });
      await bookPayment(t.deps, CLI_ACTOR, CLI_VISIBILITY, ada.id, {
        bookedOn: '2026-02-03',
        amount: '10.00',
        reference: 'Beitrag',
      });
    });
    afterEach(() => t.close());

    test('counts joins, exits, dues, payments and arrears by age', async () => {
      const figures = await boardFigures(t.deps);
      const month = (m: string) => figures.members.find((row) => row.month === m);
      assert.deepEqual(month('2026-01'), { month: '2026-01', joins: 1, exits: 0, members: 3 });
      assert.deepEqual(month('2026-02'), { month: '2026-02', joins: 0, exits: 1, members: 2 });
      const money = figures.money.find((row) => row.month === '2026-02');
      assert.deepEqual(money, { month: '2026-02', dueCents: 1000, paidCents: 1000 });
      // Ada: 6 dues of 5 (Oct–Mar) minus 10 paid → Dec, Jan, Feb, Mar open; Bob: Jan 15, Feb 15.
      const cents = Object.fromEntries(figures.arrears.map((row) => [row.bucket, row.cents]));
      assert.deepEqual(cents, {
        '0-30': 1500,
        '31-90': 1500,
        '91-180': 0,
        '181-365': 0,
        over365: 0,
      });
      assert.equal(figures.arrears[0]?.members, 2);
    });

    test('the page draws SVG charts with patterns and values, and the CSV has the same figures', async () => {
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const page = await (await board.get('/admin/dashboard')).text();
      assert.equal((page.match(/<svg class="chart"/g) ?? []).length, 3);
      assert.doesNotMatch(page, /<script/);
      assert.match(page, /<pattern id="members-hatch"/);
      assert.match(page, /<title id="arrears-title">/);
      const csv = await (await board.get('/admin/dashboard.csv')).text();
      assert.match(csv, /^figure,period,measure,value$/m);
      assert.match(csv, /^members,2026-01,joins,1$/m);
      assert.match(csv, /^contributions,2026-02,paid,10\.00$/m);
      assert.match(csv, /^arrears,31-90,unpaid,15\.00$/m);
      const member = new TestClient(t.app);
      assert.notEqual((await member.get('/admin/dashboard.csv')).status, 200);
    });
  });
}
