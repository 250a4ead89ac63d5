import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDuration, durationMilliseconds, parseDuration } from './duration.ts';

test('parses the durations a declaration uses', () => {
  assert.deepEqual(parseDuration('P10D'), {
    years: 0,
    months: 0,
    weeks: 0,
    days: 10,
    hours: 0,
    minutes: 0,
    seconds: 0,
  });
  assert.equal(parseDuration('PT24H')?.hours, 24);
  assert.equal(parseDuration('P8Y')?.years, 8);
  assert.equal(parseDuration('P1Y2M3DT4H5M6S')?.seconds, 6);
  assert.equal(parseDuration('P0D')?.days, 0);
});

test('refuses what is not an ISO 8601 duration', () => {
  for (const text of ['', 'P', 'PT', '10D', 'P1.5D', 'P-1D', 'P1W2D', 'p10d', 'P10DT']) {
    assert.equal(parseDuration(text), null, text);
  }
});

test('adds calendar units clamping to the end of the month', () => {
  const at = new Date('2024-01-31T12:00:00Z');
  assert.equal(addDuration(at, parseDuration('P1M')!).toISOString(), '2024-02-29T12:00:00.000Z');
  assert.equal(addDuration(at, parseDuration('P8Y')!).toISOString(), '2032-01-31T12:00:00.000Z');
  assert.equal(addDuration(at, parseDuration('PT30M')!).toISOString(), '2024-01-31T12:30:00.000Z');
});

test('gives fixed-length durations in milliseconds and refuses calendar ones', () => {
  assert.equal(durationMilliseconds(parseDuration('PT24H')!), 86_400_000);
  assert.equal(durationMilliseconds(parseDuration('P1W')!), 7 * 86_400_000);
  assert.throws(() => durationMilliseconds(parseDuration('P1Y')!), RangeError);
});
