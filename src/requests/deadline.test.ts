import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonthsClamped, dueDate, easterSunday, isNonWorkingDay } from './deadline.ts';

test('a month runs to the same date of the next month (Art. 3(1) 1182/71)', () => {
  // 2026-03-10 is a Tuesday, 2026-04-10 a Friday.
  assert.equal(dueDate('2026-03-10'), '2026-04-10');
});

test('a date the next month lacks ends the period on that month’s last day (Art. 3(2)(c))', () => {
  const table: [string, string][] = [
    ['2026-01-31', '2026-02-28'],
    ['2028-01-31', '2028-02-29'], // leap year
    ['2028-01-29', '2028-02-29'],
    ['2028-02-29', '2028-03-29'],
    ['2026-03-31', '2026-04-30'],
    ['2026-05-31', '2026-06-30'],
    ['2026-08-31', '2026-09-30'],
    ['2026-12-31', '2027-01-31'],
  ];
  for (const [received, end] of table) assert.equal(addMonthsClamped(received, 1), end, received);
});

test('a period ending on a weekend or public holiday ends on the next working day (Art. 3(4))', () => {
  const table: [string, string][] = [
    ['2026-01-31', '2026-03-02'], // 28 Feb 2026 is a Saturday
    ['2028-01-31', '2028-02-29'], // 29 Feb 2028 is a Tuesday
    ['2026-02-28', '2026-03-30'], // 28 Mar 2026 Saturday → Monday 30 Mar
    ['2026-03-02', '2026-04-02'], // a Thursday: stays
    ['2026-09-03', '2026-10-05'], // 3 Oct 2026 is a Saturday (and a holiday) → Monday 5 Oct
    ['2026-11-25', '2026-12-28'], // 25 Dec Friday, 26 Sat, 27 Sun → Monday 28 Dec
    ['2026-11-30', '2026-12-30'], // a Wednesday: stays
  ];
  for (const [received, due] of table) assert.equal(dueDate(received), due, received);
});

test('Easter-based holidays move the end: Good Friday and Easter Monday 2026', () => {
  assert.equal(easterSunday(2026), '2026-04-05');
  assert.equal(easterSunday(2027), '2027-03-28');
  assert.equal(isNonWorkingDay('2026-04-03'), true); // Good Friday
  assert.equal(isNonWorkingDay('2026-04-06'), true); // Easter Monday
  assert.equal(isNonWorkingDay('2026-05-14'), true); // Ascension
  assert.equal(isNonWorkingDay('2026-05-25'), true); // Whit Monday
  assert.equal(isNonWorkingDay('2026-04-07'), false);
  // Received 3 Mar: 3 Apr is Good Friday, then Sat, Sun, Easter Monday → Tuesday 7 Apr.
  assert.equal(dueDate('2026-03-03'), '2026-04-07');
});

test('a paused period ends as many days later as the pause lasted', () => {
  // Received 10 Mar, confirmed 13 Mar: 10 Apr + 3 days = 13 Apr (Monday).
  assert.equal(dueDate('2026-03-10', 1, 3), '2026-04-13');
  // Received 31 Jan 2026, paused 1 day: 28 Feb + 1 = 1 Mar (Sunday) → 2 Mar.
  assert.equal(dueDate('2026-01-31', 1, 1), '2026-03-02');
});

test('the extended deadline is three months from receipt', () => {
  assert.equal(dueDate('2026-11-30', 3), '2027-03-01'); // 28 Feb 2027 is a Sunday
});
