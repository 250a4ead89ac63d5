import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from './ids.ts';

test('ids are UUIDv7, distinct and increasing within the process', () => {
  const ids = Array.from({ length: 5000 }, () => newId());
  for (const id of ids)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids, 'in creation order');
  const ms = Number.parseInt(ids.at(-1)?.replaceAll('-', '').slice(0, 12) ?? '', 16);
  assert.ok(Math.abs(ms - Date.now()) < 60_000, 'the first 48 bits are the time in ms');
});
