import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from './core/i18n/index.ts';
import { CATALOGUES, messages } from './messages.ts';

test('has an English text for every German one in every catalogue, and none empty', () => {
  for (const [owner, catalogue] of Object.entries(CATALOGUES)) {
    assert.deepEqual(Object.keys(catalogue.en).sort(), Object.keys(catalogue.de).sort(), owner);
    for (const [key, value] of Object.entries({ ...catalogue.de, ...catalogue.en })) {
      assert.ok(value.trim().length > 0, key);
    }
  }
});

test('keeps the same placeholders in both languages', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const de: Readonly<Record<string, string>> = messages.de;
  const en: Readonly<Record<string, string>> = messages.en;
  for (const key of Object.keys(de)) {
    assert.deepEqual(placeholders(en[key] ?? ''), placeholders(de[key] ?? ''), key);
  }
});

test('gives every key exactly one owner', () => {
  const owners = new Map<string, string[]>();
  for (const [owner, catalogue] of Object.entries(CATALOGUES)) {
    for (const key of Object.keys(catalogue.de))
      owners.set(key, [...(owners.get(key) ?? []), owner]);
  }
  const twice = [...owners].filter(([, list]) => list.length > 1);
  assert.deepEqual(twice, []);
  assert.equal(Object.keys(messages.de).length, owners.size);
});

test('translates module keys with the merged catalogue', () => {
  assert.equal(translator('en', messages)('members.count', { count: 3 }), '3 members');
});
