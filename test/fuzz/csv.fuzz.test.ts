import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeStatement,
  guessMapping,
  headerColumns,
  matchRow,
  parseStatement,
  parseStatementDate,
  type BankMapping,
} from '../../src/members/bank-import.ts';
import {
  formatMemberCsv,
  MEMBER_CSV_COLUMNS,
  parseMemberCsv,
} from '../../src/members/members.csv.ts';
import type { Member, MemberFields } from '../../src/members/members.schema.ts';
import { corpus, fuzz, mutated, piece, SHARES } from './fuzz.ts';

/**
 * The member CSV import (the board uploads it) and the bank statement import (a bank's export,
 * uploaded by the board): neither may throw, both report every problem as an issue with a line.
 */

const HEADER = MEMBER_CSV_COLUMNS.join(',');

/** A CSV-ish text: rows of cells from every corner, joined with a delimiter. */
function csvText(header: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(',', ';', '\t'),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.array(fc.array(fc.oneof(piece, fc.constant('')), { maxLength: 14 }), { maxLength: 8 }),
    )
    .map(([delimiter, newline, rows]) =>
      [header.replaceAll(',', delimiter), ...rows.map((cells) => cells.join(delimiter))].join(
        newline,
      ),
    );
}

function checkMemberCsv(text: string): void {
  const { rows, issues } = parseMemberCsv(text);
  for (const issue of issues) {
    assert.ok(Number.isInteger(issue.line) && issue.line >= 1, `line ${issue.line} is a line`);
    assert.equal(typeof issue.message, 'string');
  }
  for (const row of rows) assert.ok(row.fields.memberNumber.length > 0);
}

test('member CSV: any text gives rows and issues with line numbers, never an exception', async (t) => {
  const seeds = corpus('member-csv').map((seed) => ({
    name: seed.name,
    input: seed.bytes.toString('utf8'),
  }));
  await fuzz(t, 'member-csv', {
    seeds,
    arbitrary: fc.oneof(
      mutated(seeds.map((seed) => seed.input)),
      csvText(HEADER),
      fc.string({ unit: 'binary', maxLength: 500 }),
    ),
    property: checkMemberCsv,
    share: SHARES['member-csv'] / 2,
  });
});

// Values the import gives back unchanged: trimmed, inside the schema's limits.
const CONTROL = /[\p{Cc}\u2028\u2029]|(?![\u200C\u200D])\p{Cf}/u;
const text = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max })
    .map((value) => value.trim())
    // The registry refuses control and format characters (zero-width joiners aside), so a
    // stored value never holds one; the round trip is about every value it can hold.
    .filter((value) => value.length > 0 && value.length <= max && !CONTROL.test(value));
const formulaText = (max: number) =>
  fc
    .tuple(fc.constantFrom('', '=', '+', '-', '@', '"', "'", ',', ';'), text(max - 1))
    .map(([start, rest]) => `${start}${rest}`.trim())
    .filter((value) => value.length > 0);
const isoDate = (from: number, to: number) =>
  fc
    .integer({ min: from, max: to })
    .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

const memberFields: fc.Arbitrary<MemberFields> = fc
  .record({
    memberNumber: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/),
    firstName: formulaText(100),
    lastName: formulaText(100),
    birthDate: fc.option(isoDate(-20_000, 0), { nil: null }),
    street: fc.option(formulaText(200), { nil: null }),
    postcode: fc.option(text(16), { nil: null }),
    city: fc.option(formulaText(100), { nil: null }),
    // fc.emailAddress() allows forms zod's stricter address check refuses.
    email: fc.option(
      fc.stringMatching(/^[a-z0-9](?:[a-z0-9_+-]{0,10}[a-z0-9])?@[a-z0-9]{1,10}\.[a-z]{2,6}$/),
      { nil: null },
    ),
    phone: fc.option(fc.stringMatching(/^\+?[0-9][0-9 ()/.-]{2,29}[0-9]$/), { nil: null }),
    openpgpFingerprint: fc.option(fc.stringMatching(/^[0-9A-F]{40}$/), { nil: null }),
    joinedOn: isoDate(1, 20_000),
    leftOn: fc.option(isoDate(20_000, 30_000), { nil: null }),
  })
  .filter((fields) => /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(fields.memberNumber.trim()));

test('member CSV: export then import gives the same members', async (t) => {
  await fuzz(t, 'member-csv', {
    label: 'round-trip',
    seeds: corpus('member-csv/round-trip').map((seed) => ({
      name: `round-trip/${seed.name}`,
      input: JSON.parse(seed.bytes.toString('utf8')) as MemberFields[],
    })),
    arbitrary: fc.uniqueArray(memberFields, {
      maxLength: 6,
      selector: (fields) => fields.memberNumber,
    }),
    property: (members) => {
      const csv = formatMemberCsv(
        members.map((fields): Member => ({
          ...fields,
          id: 'x',
          restrictedAt: null,
          createdAt: '',
          updatedAt: '',
        })),
      );
      const { rows, issues } = parseMemberCsv(csv);
      assert.deepEqual(issues, []);
      assert.deepEqual(
        rows.map((row) => row.fields),
        members.map((fields) => ({ ...fields })),
      );
    },
    share: SHARES['member-csv'] / 2,
  });
});

const MAPPINGS: fc.Arbitrary<BankMapping> = fc.record({
  delimiter: fc.constantFrom(';' as const, ',' as const, '\t' as const),
  headerLine: fc.integer({ min: 1, max: 5 }),
  decimal: fc.constantFrom(',' as const, '.' as const),
  dateColumn: fc.constantFrom('Buchungstag', 'Date', '', 'x'),
  amountColumn: fc.constantFrom('Betrag', 'Amount', ''),
  referenceColumn: fc.constantFrom('Verwendungszweck', 'Reference', ''),
  counterpartyColumn: fc.constantFrom('Beguenstigter/Zahlungspflichtiger', 'Name', ''),
  memberNumberColumn: fc.constantFrom('', 'Mitgliedsnummer'),
});

const MEMBERS = new Map([
  ['42', 'm-42'],
  ['7', 'm-7'],
  ['13', 'm-13'],
]);

function checkStatement(bytes: Buffer, chosen: BankMapping | undefined): void {
  const text = decodeStatement(bytes);
  const guessed = guessMapping(text);
  const mapping = chosen ?? guessed.mapping;
  headerColumns(text, mapping.delimiter, mapping.headerLine);
  const { rows, issues } = parseStatement(text, mapping);
  for (const issue of issues) assert.ok(Number.isInteger(issue.line), `line ${issue.line}`);
  for (const row of rows) {
    assert.ok(Number.isSafeInteger(row.amountCents), `${row.amountCents} is a safe integer`);
    assert.match(row.bookedOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(parseStatementDate(row.bookedOn), row.bookedOn);
    const match = matchRow(row, MEMBERS);
    if (match.status === 'matched') assert.equal(MEMBERS.get(match.memberNumber), match.memberId);
  }
}

test('bank CSV: any file gives a mapping, rows and issues, never an exception', async (t) => {
  const seeds = corpus('bank-csv').map((seed) => ({
    name: seed.name,
    input: [seed.bytes, undefined] as [Buffer, BankMapping | undefined],
  }));
  const SPARKASSE = corpus('bank-csv').find((seed) => seed.name === 'sparkasse.csv');
  await fuzz(t, 'bank-csv', {
    seeds,
    arbitrary: fc.tuple(
      fc.oneof(
        mutated(seeds.map((seed) => seed.input[0].toString('latin1'))).map((latin1) =>
          Buffer.from(latin1, 'latin1'),
        ),
        mutated(seeds.map((seed) => seed.input[0].toString('utf8'))).map((utf8) =>
          Buffer.from(utf8, 'utf8'),
        ),
        csvText(SPARKASSE?.bytes.toString('utf8').split('\n')[2] ?? 'Buchungstag').map((utf8) =>
          Buffer.from(utf8),
        ),
      ),
      fc.option(MAPPINGS, { nil: undefined }),
    ),
    property: ([bytes, mapping]) => {
      checkStatement(bytes, mapping);
    },
    share: SHARES['bank-csv'] * 0.8,
  });
});

test('bank CSV: a statement date and a reference never throw', async (t) => {
  await fuzz(t, 'bank-csv', {
    label: 'date-and-reference',
    seeds: [],
    arbitrary: fc.tuple(
      fc.oneof(piece, fc.stringMatching(/^\d{1,4}[.-]\d{1,2}[.-]\d{1,4}$/)),
      fc.oneof(piece, mutated(['Beitrag Chaos-Nr. 42 Maerz', 'Mitgliedsnr 7', 'member no 13'])),
      fc.option(fc.oneof(piece, fc.constantFrom('42', '7')), { nil: null }),
    ),
    property: ([date, reference, memberNumber]) => {
      const parsed = parseStatementDate(date);
      if (parsed !== null) assert.match(parsed, /^\d{4}-\d{2}-\d{2}$/);
      matchRow({ reference, memberNumber }, MEMBERS);
    },
    share: SHARES['bank-csv'] * 0.2,
  });
});
