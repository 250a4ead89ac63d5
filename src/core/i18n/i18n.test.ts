import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../duration.ts';
import { formatDuration, formatMoney, negotiateLang, translator } from './index.ts';
import { de } from './messages.de.ts';
import { en } from './messages.en.ts';

test('has an English text for every German one, and none empty', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(de).sort());
  for (const [key, value] of Object.entries(en)) assert.ok(value.trim().length > 0, key);
});

test('keeps the same placeholders in both languages', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(de) as (keyof typeof de)[]) {
    assert.deepEqual(placeholders(en[key]), placeholders(de[key]), key);
  }
});

test('picks the preferred supported language from Accept-Language', () => {
  assert.equal(negotiateLang('en-GB,en;q=0.9,de;q=0.8', 'de'), 'en');
  assert.equal(negotiateLang('fr-FR,de;q=0.5,en;q=0.4', 'en'), 'de');
  assert.equal(negotiateLang('fr', 'de'), 'de');
  assert.equal(negotiateLang(undefined, 'en'), 'en');
  assert.equal(negotiateLang('en;q=0', 'de'), 'de');
});

test('fills placeholders and formats money and durations per language', () => {
  assert.equal(translator('en')('members.count', { count: 3 }), '3 members');
  assert.equal(formatMoney(1250, 'EUR', 'de').replace(/\s/g, ' '), '12,50 €');
  assert.equal(formatMoney(-500, 'EUR', 'en'), '-€5.00');
  assert.equal(formatDuration(parseDuration('P10D')!, 'de'), '10 Tage');
  assert.equal(formatDuration(parseDuration('PT24H')!, 'en'), '24 hours');
  assert.equal(formatDuration(parseDuration('P1Y2M')!, 'de'), '1 Jahr und 2 Monate');
});
