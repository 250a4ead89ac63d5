/**
 * The registry the benches fill (bench/registry.ts, bench/memory.ts): members as CSV for the
 * real import, a monthly fee each and payments in bulk.
 */
import { sql } from 'kysely';
import type { Runtime } from '../src/app.ts';
import { DEMO_FIRST_NAMES as FIRST, DEMO_LAST_NAMES as LAST } from '../src/demo/demo.ts';
import { newId } from '../src/core/ids.ts';

// The demo's fictional names (computing pioneers, some with umlauts for the accent-insensitive
// search).
export { DEMO_FIRST_NAMES as FIRST, DEMO_LAST_NAMES as LAST } from '../src/demo/demo.ts';
export const CITIES = [
  'Osnabrück',
  'Bramsche',
  'Melle',
  'Georgsmarienhütte',
  'Bad Iburg',
  'Wallenhorst',
];

/** The `index`th entry of `list`, wrapping round. */
export function pick<T>(list: readonly T[], index: number): T {
  return list[index % list.length] as T;
}

/** `count` members as the import's CSV, one in ten a former member. */
export function memberCsv(count: number): string {
  const lines = [
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on',
  ];
  for (let i = 1; i <= count; i++) {
    const joined = `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-15`;
    const left = i % 10 === 0 ? '2025-12-31' : '';
    lines.push(
      [
        i,
        pick(FIRST, i * 7),
        `${pick(LAST, i * 13)}${i % 50}`,
        `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        `Weg ${i}`,
        '49074',
        pick(CITIES, i),
        `m${i}@example.org`,
        i % 3 ? `+49 541 ${100000 + i}` : '',
        '',
        joined,
        left,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** CSV text cut into files of at most `rows` data rows, each with the header. */
export function splitCsv(csv: string, rows: number): string[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const files: string[] = [];
  for (let start = 0; start < lines.length; start += rows)
    files.push(`${header ?? ''}\n${lines.slice(start, start + rows).join('\n')}\n`);
  return files;
}

/** A monthly fee per member and `payments` payments spread over them, then fresh statistics. */
export async function seedPayments(runtime: Runtime, payments: number): Promise<void> {
  const members = await runtime.db.selectFrom('members').select(['id', 'joined_on']).execute();
  const now = new Date().toISOString();
  await runtime.db.transaction().execute(async (trx) => {
    for (let start = 0; start < members.length; start += 1000) {
      await trx
        .insertInto('member_fees')
        .values(
          members.slice(start, start + 1000).map((m) => ({
            id: newId(),
            member_id: m.id,
            amount_cents: 500,
            interval_months: 1,
            valid_from: m.joined_on,
            created_at: now,
            created_by: 'bench',
          })),
        )
        .execute();
    }
    for (let start = 0; start < payments; start += 1000) {
      const rows = [];
      for (let i = start; i < Math.min(payments, start + 1000); i++) {
        const member = members[i % members.length];
        if (!member) continue;
        rows.push({
          id: newId(),
          member_id: member.id,
          booked_on: `20${String(10 + (i % 16)).padStart(2, '0')}-0${1 + (i % 9)}-01`,
          amount_cents: 500,
          reference: `Beitrag ${i}`,
          kind: 'payment' as const,
          reverses_id: null,
          source: 'manual' as const,
          import_row_id: null,
          created_at: now,
          created_by: 'bench',
        });
      }
      await trx.insertInto('bookings').values(rows).execute();
    }
  });
  // Fresh statistics, as PostgreSQL's autovacuum would gather within a minute (SQLite: same).
  await sql`analyze`.execute(runtime.db);
}
