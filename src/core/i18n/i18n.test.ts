import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../duration.ts';
import {
  defineMessages,
  formatDuration,
  formatMoney,
  mergeMessages,
  negotiateLang,
  translator,
} from './index.ts';

// Core names no module's words, so these tests bring their own; src/messages.test.ts checks
// the real catalogues.
const things = defineMessages({
  de: { 'things.count': '{count} Dinge', 'things.title': 'Dinge' },
  en: { 'things.count': '{count} things', 'things.title': 'Things' },
});

test('picks the preferred supported language from Accept-Language', () => {
  assert.equal(negotiateLang('en-GB,en;q=0.9,de;q=0.8', 'de'), 'en');
  assert.equal(negotiateLang('fr-FR,de;q=0.5,en;q=0.4', 'en'), 'de');
  assert.equal(negotiateLang('fr', 'de'), 'de');
  assert.equal(negotiateLang(undefined, 'en'), 'en');
  assert.equal(negotiateLang('en;q=0', 'de'), 'de');
});

test('fills placeholders and formats money and durations per language', () => {
  assert.equal(translator('en', things)('things.count', { count: 3 }), '3 things');
  assert.equal(formatMoney(1250, 'EUR', 'de').replace(/\s/g, ' '), '12,50 €');
  assert.equal(formatMoney(-500, 'EUR', 'en'), '-€5.00');
  assert.equal(formatDuration(parseDuration('P10D')!, 'de'), '10 Tage');
  assert.equal(formatDuration(parseDuration('PT24H')!, 'en'), '24 hours');
  assert.equal(formatDuration(parseDuration('P1Y2M')!, 'de'), '1 Jahr und 2 Monate');
});

test('knows which keys built at run time have a text', () => {
  const t = translator('de', things);
  assert.equal(t.has('things.title'), true);
  assert.equal(t.has('things.missing'), false);
  assert.equal(t.has('toString'), false);
});

test('refuses to merge two catalogues that define the same key', () => {
  const more = defineMessages({
    de: { 'things.title': 'Sachen' },
    en: { 'things.title': 'Stuff' },
  });
  assert.throws(() => mergeMessages(things, more), /message key things\.title is defined twice/);
  const merged = mergeMessages(things, defineMessages({ de: { 'x.y': 'X' }, en: { 'x.y': 'X' } }));
  assert.equal(translator('en', merged)('things.title'), 'Things');
});
