import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, balanceOf, computeDues } from './dues.ts';

const monthly = { id: 'f1', amountCents: 500, intervalMonths: 1, validFrom: '2026-01-01' };

test('a monthly fee falls due on its start date and every month up to today', () => {
  const dues = computeDues([monthly], '2026-01-01', null, '2026-03-01');
  assert.deepEqual(
    dues.map((due) => due.dueOn),
    ['2026-01-01', '2026-02-01', '2026-03-01'],
  );
});

test('no due falls on or after the exit date, nor before the join date', () => {
  assert.equal(computeDues([monthly], '2026-01-01', '2026-03-01', '2026-06-01').length, 2);
  assert.deepEqual(
    computeDues([monthly], '2026-02-15', null, '2026-03-20').map((d) => d.dueOn),
    ['2026-02-15', '2026-03-15'],
  );
});

test('a new fee replaces the old one from its start date', () => {
  const raised = { id: 'f2', amountCents: 1000, intervalMonths: 12, validFrom: '2026-03-01' };
  const dues = computeDues([raised, monthly], '2026-01-01', null, '2027-03-01');
  assert.deepEqual(
    dues.map((d) => [d.dueOn, d.amountCents]),
    [
      ['2026-01-01', 500],
      ['2026-02-01', 500],
      ['2026-03-01', 1000],
      ['2027-03-01', 1000],
    ],
  );
});

test('month arithmetic clamps to the last day and does not drift', () => {
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(addMonths('2024-01-31', 2), '2024-03-31');
  assert.equal(addMonths('2024-03-15', -3), '2023-12-15');
  assert.equal(addMonths('1900-01-31', 1), '1900-02-28');
  assert.equal(addMonths('2000-01-31', 1), '2000-02-29');
  assert.equal(addMonths('2099-12-31', 2), '2100-02-28');
});

test('month arithmetic agrees with the calendar for every day of four years', () => {
  // The calendar's own answer, from Date: the day clamped to the target month's length.
  const byCalendar = (date: string, months: number): string => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const first = new Date(Date.UTC(year, month - 1 + months, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    first.setUTCDate(Math.min(day, last.getUTCDate()));
    return first.toISOString().slice(0, 10);
  };
  for (let time = Date.UTC(1999, 0, 1); time < Date.UTC(2003, 0, 1); time += 86_400_000) {
    const date = new Date(time).toISOString().slice(0, 10);
    for (const months of [-25, -12, -1, 0, 1, 2, 3, 6, 11, 12, 13, 1200]) {
      assert.equal(addMonths(date, months), byCalendar(date, months), `${date} + ${months}`);
    }
  }
});

test('the balance is payments minus dues', () => {
  assert.equal(balanceOf(1000, computeDues([monthly], '2026-01-01', null, '2026-03-01')), -500);
});
