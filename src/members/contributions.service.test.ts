import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { guessMapping } from './bank-import.ts';
import {
  assignBankRow,
  bookPayment,
  commitBankImport,
  getAccount,
  ignoreBankRow,
  listUnmatched,
  previewBankImport,
  reverseBooking,
  setFee,
} from './contributions.service.ts';
import { markMemberRestricted } from './members.repo.ts';
import { createMember } from './members.service.ts';

const BOARD = { includeRestricted: false };

const STATEMENT = [
  'Buchungstag;Verwendungszweck;Auftraggeber;Betrag',
  '01.02.2026;Beitrag Chaos-Nr. 1 Februar;Ada Lovelace;5,00',
  '02.02.2026;Mitgliedsbeitrag 2;Alan Turing;60,00',
  '03.02.2026;Spende;Unbekannt;20,00',
  '04.02.2026;Beitrag Nr. 1 und Nr. 2;Familie;10,00',
].join('\n');

for (const dialect of TEST_DIALECTS) {
  describe(`contributions (${dialect})`, () => {
    let t: TestApp;
    let ada: string;
    let alan: string;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      ada = (
        await createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({ memberNumber: '1', joinedOn: '2026-01-01' }),
        )
      ).id;
      alan = (
        await createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({ memberNumber: '2', firstName: 'Alan', joinedOn: '2025-01-01' }),
        )
      ).id;
    });
    afterEach(() => t.close());

    test('computes dues, payments, balance and arrears', async () => {
      // The clock stands at 2026-03-01: January, February and March are due.
      await setFee(t.deps, CLI_ACTOR, BOARD, ada, {
        amount: '5,00',
        intervalMonths: '1',
        validFrom: '2026-01-01',
      });
      await bookPayment(t.deps, CLI_ACTOR, BOARD, ada, {
        bookedOn: '2026-01-05',
        amount: '5',
        reference: 'Januar',
      });
      const account = await getAccount(t.deps, BOARD, ada);
      assert.equal(account.dues.length, 3);
      assert.equal(account.duesTotalCents, 1500);
      assert.equal(account.paidTotalCents, 500);
      assert.equal(account.balanceCents, -1000);
      assert.equal(account.arrearsCents, 1000);
    });

    test('corrects a booking only by a reversal, once', async () => {
      const payment = await bookPayment(t.deps, CLI_ACTOR, BOARD, ada, {
        bookedOn: '2026-01-05',
        amount: '50,00',
        reference: 'Tippfehler',
      });
      const reversal = await reverseBooking(t.deps, CLI_ACTOR, BOARD, payment.id, '2026-03-01');
      assert.equal(reversal.amountCents, -5000);
      assert.equal(reversal.reversesId, payment.id);
      await assert.rejects(
        reverseBooking(t.deps, CLI_ACTOR, BOARD, payment.id, '2026-03-01'),
        (e: unknown) => e instanceof ConflictError && e.code === 'booking_already_reversed',
      );
      await assert.rejects(
        reverseBooking(t.deps, CLI_ACTOR, BOARD, reversal.id, '2026-03-01'),
        (e: unknown) => e instanceof ConflictError && e.code === 'reversal_not_reversible',
      );
      const account = await getAccount(t.deps, BOARD, ada);
      assert.equal(account.paidTotalCents, 0);
      assert.deepEqual(
        account.bookings.map((b) => [b.amountCents, b.reversed]),
        [
          [5000, true],
          [-5000, false],
        ],
      );
      const original = await t.deps.db
        .selectFrom('bookings')
        .selectAll()
        .where('id', '=', payment.id)
        .executeTakeFirstOrThrow();
      assert.equal(original.amount_cents, 5000);
    });

    test('refuses a zero or unreadable amount and an unknown member', async () => {
      await assert.rejects(
        bookPayment(t.deps, CLI_ACTOR, BOARD, ada, {
          bookedOn: '2026-01-05',
          amount: '0',
          reference: 'x',
        }),
        ValidationError,
      );
      await assert.rejects(
        bookPayment(t.deps, CLI_ACTOR, BOARD, ada, {
          bookedOn: '2026-01-05',
          amount: 'fünf',
          reference: 'x',
        }),
        ValidationError,
      );
      await assert.rejects(
        bookPayment(t.deps, CLI_ACTOR, BOARD, 'nope', {
          bookedOn: '2026-01-05',
          amount: '5',
          reference: 'x',
        }),
        NotFoundError,
      );
      await assert.rejects(
        setFee(t.deps, CLI_ACTOR, BOARD, ada, {
          amount: '5',
          intervalMonths: '2',
          validFrom: '2026-01-01',
        }),
        ValidationError,
      );
    });

    test('imports a bank statement: matched rows are booked, others wait, a second import books nothing', async () => {
      const { mapping } = guessMapping(STATEMENT);
      const preview = await previewBankImport(t.deps, STATEMENT, mapping);
      assert.deepEqual(
        preview.map((row) => row.match.status),
        ['matched', 'matched', 'unmatched', 'unmatched'],
      );
      assert.equal((await t.deps.db.selectFrom('bookings').select('id').execute()).length, 0);

      const result = await commitBankImport(t.deps, CLI_ACTOR, 'februar.csv', STATEMENT, mapping);
      assert.deepEqual(
        { ...result, importId: '' },
        { importId: '', rows: 4, matched: 2, unmatched: 2, duplicates: 0 },
      );
      assert.equal((await getAccount(t.deps, BOARD, ada)).paidTotalCents, 500);
      assert.equal((await getAccount(t.deps, BOARD, alan)).paidTotalCents, 6000);
      const unmatched = await listUnmatched(t.deps);
      assert.deepEqual(
        unmatched.map((row) => row.reference),
        ['Spende', 'Beitrag Nr. 1 und Nr. 2'],
      );

      const again = await commitBankImport(t.deps, CLI_ACTOR, 'februar.csv', STATEMENT, mapping);
      assert.deepEqual([again.matched, again.unmatched, again.duplicates], [0, 0, 4]);
      assert.equal((await t.deps.db.selectFrom('bookings').select('id').execute()).length, 2);

      await assignBankRow(t.deps, CLI_ACTOR, unmatched[1]?.id ?? '', '2');
      await assert.rejects(
        assignBankRow(t.deps, CLI_ACTOR, unmatched[1]?.id ?? '', '1'),
        ConflictError,
      );
      await assert.rejects(
        assignBankRow(t.deps, CLI_ACTOR, unmatched[0]?.id ?? '', '77'),
        NotFoundError,
      );
      await ignoreBankRow(t.deps, CLI_ACTOR, unmatched[0]?.id ?? '');
      assert.deepEqual(await listUnmatched(t.deps), []);
      assert.equal((await getAccount(t.deps, BOARD, alan)).paidTotalCents, 7000);
    });

    test('a statement with an unreadable row books nothing and names the line', async () => {
      const broken = `${STATEMENT}\n05.02.2026;Beitrag 1;Ada;fünf Euro`;
      await assert.rejects(
        commitBankImport(t.deps, CLI_ACTOR, 'kaputt.csv', broken, guessMapping(broken).mapping),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual(error.issues, [
            { path: 'line 6: amount', message: '"fünf Euro" is not an amount' },
          ]);
          return true;
        },
      );
      assert.equal(
        (await t.deps.db.selectFrom('bank_import_rows').select('id').execute()).length,
        0,
      );
      assert.equal((await t.deps.db.selectFrom('bank_imports').select('id').execute()).length, 0);
    });

    test('never matches a payment to a restricted former member', async () => {
      await markMemberRestricted(t.deps.db, ada, new Date().toISOString());
      const preview = await previewBankImport(t.deps, STATEMENT, guessMapping(STATEMENT).mapping);
      assert.equal(preview[0]?.match.status, 'unmatched');
    });
  });
}
