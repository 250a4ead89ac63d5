import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp } from '../../../test/support/app.ts';
import { TEST_DIALECTS } from '../../../test/support/db.ts';
import { SYSTEM_ACTOR, recordAuditBatch } from '../audit/index.ts';

// Texts that a hand-made array literal would get wrong: quotes, backslashes, braces, commas,
// the word NULL, the empty string, whitespace at the ends, non-ASCII.
const AWKWARD = ['a"b', 'c\\d', '{e,f}', 'NULL', '', ' g ', 'Müller & Söhne', "o'h", '\u{1F600}'];

for (const dialect of TEST_DIALECTS) {
  describe(`insertMany (${dialect})`, () => {
    test('writes every row and value as given, NULLs included, in a few statements', async () => {
      const t = await createTestApp(dialect);
      try {
        const entries = Array.from({ length: 5203 }, (_, i) => ({
          event: 'test.bulk.written',
          objectId: AWKWARD[i % AWKWARD.length] ?? null,
          memberId: i % 3 === 0 ? null : `m${i}`,
          fields: i % 2 === 0 ? [] : ['a', AWKWARD[i % AWKWARD.length] ?? ''],
        }));
        await recordAuditBatch(t.deps.db, new Date('2026-03-01T00:00:00Z'), SYSTEM_ACTOR, entries);
        const rows = await t.deps.db
          .selectFrom('audit_events')
          .select(['object_id', 'member_id', 'fields'])
          .where('event', '=', 'test.bulk.written')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows,
          entries.map((entry) => ({
            object_id: entry.objectId,
            member_id: entry.memberId,
            fields: entry.fields.length > 0 ? JSON.stringify(entry.fields) : null,
          })),
        );
      } finally {
        await t.close();
      }
    });
  });
}
