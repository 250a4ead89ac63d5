import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeStatement,
  guessMapping,
  matchRow,
  parseStatement,
  parseStatementDate,
} from './bank-import.ts';

const SPARKASSE = [
  'Kontonummer;DE00 1234 5678 9012 3456 78',
  '',
  'Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;Beguenstigter/Zahlungspflichtiger;Betrag;Waehrung',
  '01.03.2026;01.03.2026;GUTSCHRIFT;Beitrag Chaos-Nr. 42 Maerz;Ada Lovelace;5,00;EUR',
  '02.03.2026;02.03.2026;GUTSCHRIFT;"Beitrag 2026\nMitglied 7";Alan Turing;60,00;EUR',
  '03.03.2026;03.03.2026;LASTSCHRIFT;Serverkosten;Hoster GmbH;-12,50;EUR',
].join('\n');

test('guesses delimiter, header line, decimal mark and columns of a German bank export', () => {
  const { mapping, columns } = guessMapping(SPARKASSE);
  assert.equal(mapping.delimiter, ';');
  assert.equal(mapping.headerLine, 3);
  assert.equal(mapping.decimal, ',');
  assert.equal(mapping.dateColumn, 'Buchungstag');
  assert.equal(mapping.amountColumn, 'Betrag');
  assert.equal(mapping.referenceColumn, 'Verwendungszweck');
  assert.equal(mapping.counterpartyColumn, 'Beguenstigter/Zahlungspflichtiger');
  assert.ok(columns.includes('Waehrung'));
});

test('reads every row with the line it starts on and a stable fingerprint', () => {
  const { mapping } = guessMapping(SPARKASSE);
  const { rows, issues } = parseStatement(SPARKASSE, mapping);
  assert.deepEqual(issues, []);
  assert.deepEqual(
    rows.map((row) => [row.line, row.bookedOn, row.amountCents]),
    [
      [4, '2026-03-01', 500],
      [5, '2026-03-02', 6000],
      [7, '2026-03-03', -1250],
    ],
  );
  assert.equal(parseStatement(SPARKASSE, mapping).rows[0]?.fingerprint, rows[0]?.fingerprint);
});

test('keeps two identical transfers apart', () => {
  const text = 'Datum;Betrag;Verwendungszweck\n01.03.2026;5,00;Nr 1\n01.03.2026;5,00;Nr 1\n';
  const { rows } = parseStatement(text, guessMapping(text).mapping);
  assert.equal(rows.length, 2);
  assert.notEqual(rows[0]?.fingerprint, rows[1]?.fingerprint);
});

test('names each unreadable row with its line and reason', () => {
  const text = 'Datum;Betrag;Verwendungszweck\n31.02.2026;5,00;x\n01.03.2026;fünf;y\n';
  const { issues } = parseStatement(text, guessMapping(text).mapping);
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.path]),
    [
      [2, 'date'],
      [3, 'amount'],
    ],
  );
});

test('reports a mapped column the header does not have', () => {
  const text = 'Datum;Betrag;Verwendungszweck\n01.03.2026;5,00;x\n';
  const { mapping } = guessMapping(text);
  const { issues } = parseStatement(text, { ...mapping, amountColumn: 'Umsatz' });
  assert.match(issues[0]?.message ?? '', /Umsatz/);
});

test('reads dates in German and ISO form and refuses impossible ones', () => {
  assert.equal(parseStatementDate('01.03.2026'), '2026-03-01');
  assert.equal(parseStatementDate('1.3.26'), '2026-03-01');
  assert.equal(parseStatementDate('2026-03-01'), '2026-03-01');
  assert.equal(parseStatementDate('29.02.2025'), null);
  assert.equal(parseStatementDate('March 1'), null);
});

test('decodes Windows-1252 exports', () => {
  const bytes = Uint8Array.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
  assert.equal(decodeStatement(bytes), 'Müller');
  assert.equal(decodeStatement(new TextEncoder().encode('\uFEFFMüller')), 'Müller');
});

test('matches by member number after a keyword, by the only known number, or not at all', () => {
  const members = new Map([
    ['42', 'id-42'],
    ['7', 'id-7'],
    ['2026', 'id-2026'],
  ]);
  assert.deepEqual(
    matchRow({ reference: 'Beitrag Chaos-Nr. 42 März 2026', memberNumber: null }, members),
    {
      status: 'matched',
      memberId: 'id-42',
      memberNumber: '42',
      by: 'reference',
    },
  );
  assert.equal(
    matchRow({ reference: 'Mitgliedsbeitrag 7', memberNumber: null }, members).status,
    'matched',
  );
  assert.deepEqual(matchRow({ reference: 'Beitrag 7 und 42', memberNumber: null }, members), {
    status: 'unmatched',
    reason: 'ambiguous',
    candidates: ['7', '42'],
  });
  assert.deepEqual(matchRow({ reference: 'Spende', memberNumber: null }, members), {
    status: 'unmatched',
    reason: 'none',
    candidates: [],
  });
  assert.equal(matchRow({ reference: 'egal', memberNumber: '7' }, members).status, 'matched');
  assert.deepEqual(matchRow({ reference: 'egal', memberNumber: '99' }, members), {
    status: 'unmatched',
    reason: 'unknown',
    candidates: ['99'],
  });
});

test('a stray quote that runs into the next rows names its line instead of swallowing them', () => {
  const header = 'Datum;Betrag;Verwendungszweck';
  const relaxed = [
    header,
    '01.03.2026;10,00;"Beitrag 42',
    '02.03.2026;20,00;"Beitrag 43',
    '03.03.2026;5,00;Nr 44',
  ].join('\n');
  const closedLater = [
    header,
    '01.03.2026;10,00;"Beitrag 42',
    '02.03.2026;20,00;Beitrag 43"',
    '03.03.2026;5,00;Nr 44',
  ].join('\n');
  for (const text of [relaxed, closedLater]) {
    const { issues } = parseStatement(text, guessMapping(text).mapping);
    assert.equal(issues.length, 1, text);
    assert.equal(issues[0]?.line, 2);
    assert.equal(issues[0]?.path, 'Verwendungszweck');
    assert.match(issues[0]?.message ?? '', /stray quote/);
  }
  const neverClosed = [
    header,
    '01.03.2026;10,00;Nr 41',
    '02.03.2026;10,00;"Beitrag 42',
    '03.03.2026;5,00;Nr 44',
  ].join('\n');
  const { issues } = parseStatement(neverClosed, guessMapping(neverClosed).mapping);
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.message]),
    [[3, 'a quote opened in this line is never closed (a stray quote?)']],
  );
});

test('a quote inside an unquoted reference is kept as text', () => {
  const text =
    'Datum;Betrag;Verwendungszweck\n01.03.2026;10,00;Beitrag "Maerz" 42\n02.03.2026;5,00;Nr 43\n';
  const { rows, issues } = parseStatement(text, guessMapping(text).mapping);
  assert.deepEqual(issues, []);
  assert.deepEqual(
    rows.map((row) => row.reference),
    ['Beitrag "Maerz" 42', 'Nr 43'],
  );
});

test('refuses a control character in a reference or payer, naming line and column', () => {
  const text =
    'Datum;Betrag;Verwendungszweck;Name\n01.03.2026;10,00;Nr 42\u202E;Ada\n02.03.2026;5,00;Nr 43;Al\u0000an\n';
  const { issues } = parseStatement(text, guessMapping(text).mapping);
  assert.deepEqual(
    issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`),
    [
      '2:Verwendungszweck:must not contain control characters (found U+202E)',
      '3:Name:must not contain control characters (found U+0000)',
    ],
  );
});
