import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { markMemberRestricted } from './members.repo.ts';
import { importMembers, listMembers, PAGE_SIZE } from './members.service.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
const TREASURER = { includeRestricted: true };
const LAST = ['Müller', 'Mueller', 'Weiß', 'Öztürk', 'Becker', 'Ángel', 'becker', 'Zuse'];
const FIRST = ['Ada', 'Jörg', 'Käthe', 'Sören', 'Linus'];
const COUNT = 420;

/** Every page of a list, one after the other. */
async function allPages(
  t: TestApp,
  query: { status: string; search?: string },
): Promise<{ numbers: string[]; total: number; pages: number }> {
  const first = await listMembers(t.deps, TREASURER, { ...query, page: 1 });
  const numbers = first.members.map((member) => member.memberNumber);
  for (let page = 2; page <= first.pages; page++)
    numbers.push(
      ...(await listMembers(t.deps, TREASURER, { ...query, page })).members.map(
        (member) => member.memberNumber,
      ),
    );
  return { numbers, total: first.total, pages: first.pages };
}

for (const dialect of TEST_DIALECTS) {
  describe(`member list over many pages (${dialect})`, () => {
    let t: TestApp;
    // The registry's rows as the reference: filtered and ordered here, in plain code.
    let rows: {
      member_number: string;
      sort_key: string;
      search_text: string;
      left_on: string | null;
      restricted_at: string | null;
    }[];
    const today = '2026-03-01';

    before(async () => {
      t = await createTestApp(dialect);
      const lines = [HEADER];
      for (let i = 1; i <= COUNT; i++) {
        // Many equal names (member number decides), some left before today, some after.
        const left = i % 7 === 0 ? '2025-06-30' : i % 11 === 0 ? '2026-12-31' : '';
        lines.push(
          `${i},${FIRST[i % FIRST.length] ?? ''},${LAST[i % LAST.length] ?? ''}${i % 3},,,,,m${i}@example.org,,,2020-01-01,${left}`,
        );
      }
      await importMembers(t.deps, CLI_ACTOR, `${lines.join('\n')}\n`, { dryRun: false });
      // Statistics from before any restriction (as after an import): the planner must still
      // walk the listing index.
      await sql`analyze`.execute(t.deps.db);
      const restricted = await t.deps.db
        .selectFrom('members')
        .select('id')
        .where('left_on', '<=', today)
        .orderBy('member_number')
        .limit(20)
        .execute();
      for (const { id } of restricted)
        await markMemberRestricted(t.deps.db, id, '2026-02-01T00:00:00.000Z');
      rows = await t.deps.db
        .selectFrom('members')
        .select(['member_number', 'sort_key', 'search_text', 'left_on', 'restricted_at'])
        .execute();
    });
    after(() => t.close());

    const byName = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
      Buffer.compare(Buffer.from(a.sort_key), Buffer.from(b.sort_key)) ||
      Buffer.compare(Buffer.from(a.member_number), Buffer.from(b.member_number));
    const expected = (keep: (row: (typeof rows)[number]) => boolean) =>
      rows
        .filter(keep)
        .sort(byName)
        .map((row) => row.member_number);

    test('every status lists each of its members once, in name order, with its count', async () => {
      const statuses = {
        active: (r: (typeof rows)[number]) =>
          r.restricted_at === null && (r.left_on === null || r.left_on > today),
        left: (r: (typeof rows)[number]) =>
          r.restricted_at === null && r.left_on !== null && r.left_on <= today,
        all: (r: (typeof rows)[number]) => r.restricted_at === null,
        restricted: (r: (typeof rows)[number]) => r.restricted_at !== null,
      };
      for (const [status, keep] of Object.entries(statuses)) {
        const want = expected(keep);
        const got = await allPages(t, { status });
        assert.deepEqual(got.numbers, want, status);
        assert.equal(got.total, want.length, status);
        assert.equal(got.pages, Math.max(1, Math.ceil(want.length / PAGE_SIZE)), status);
      }
      assert.ok(expected(statuses.active).length > 5 * PAGE_SIZE);
    });

    test('a search lists the matching members of the status in name order, with its count', async () => {
      for (const search of ['muller', 'becker1', 'Käthe Zuse', 'm4', 'ozturk0']) {
        const words = search.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(' ');
        const want = expected(
          (r) => r.restricted_at === null && words.every((word) => r.search_text.includes(word)),
        );
        const got = await allPages(t, { status: 'all', search });
        assert.deepEqual(got.numbers, want, search);
        assert.equal(got.total, want.length, search);
        assert.ok(want.length > 0, search);
      }
    });

    if (dialect === 'sqlite') {
      test('the list walks the listing index, not the table', async () => {
        const plan = await sql<{ detail: string }>`explain query plan
          select * from members where restricted_at is null
            and (left_on is null or left_on > ${today})
            and search_text like ${'%mull%'} escape '\\'
          order by sort_key, member_number limit 50 offset 100`.execute(t.deps.db);
        assert.match(plan.rows.map((row) => row.detail).join('\n'), /USING INDEX members_listing/);
      });
    }
  });
}
