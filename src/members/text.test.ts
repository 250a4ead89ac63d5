import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { foldFully, foldText, searchVariants } from './text.ts';

test('folding takes the shortcut for plain ASCII without changing a result', () => {
  const ascii = fc.string({
    unit: fc.integer({ min: 0x09, max: 0x7f }).map((c) => String.fromCharCode(c)),
  });
  fc.assert(
    fc.property(fc.oneof(ascii, fc.string({ unit: 'grapheme' })), (value) => {
      assert.equal(foldText(value), foldFully(value));
    }),
    { numRuns: 2000 },
  );
  assert.equal(foldText('M123@Example.ORG'), 'm123@example.org');
  assert.equal(foldText('  Ada\tLovelace '), 'ada lovelace');
  assert.deepEqual(searchVariants('Müller'), ['muller', 'mueller']);
  assert.deepEqual(searchVariants('Weiß Jörg'), ['weiss jorg', 'weiss joerg']);
  assert.deepEqual(searchVariants('Ada Lovelace'), ['ada lovelace']);
});
