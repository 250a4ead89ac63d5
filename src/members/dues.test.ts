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
});

test('the balance is payments minus dues', () => {
  assert.equal(balanceOf(1000, computeDues([monthly], '2026-01-01', null, '2026-03-01')), -500);
});
