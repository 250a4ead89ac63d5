import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeCell, formatMemberCsv, parseMemberCsv } from './members.csv.ts';
import type { Member } from './members.schema.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

test('reads valid rows, normalising fingerprints and emails', () => {
  const csv = `${HEADER}\n1,Ada,Lovelace,1990-12-10,Weg 1,49074,Osnabrück,ADA@Example.org,+49 541 1,"0123 4567 89AB CDEF 0123  4567 89ab cdef 0123 4567",2024-01-01,\n`;
  const { rows, issues } = parseMemberCsv(csv);
  assert.deepEqual(issues, []);
  assert.equal(rows[0]?.fields.email, 'ada@example.org');
  assert.equal(rows[0]?.fields.openpgpFingerprint, '0123456789ABCDEF0123456789ABCDEF01234567');
  assert.equal(rows[0]?.fields.leftOn, null);
});

test('names every bad row with its line and column', () => {
  const csv = [
    HEADER,
    '1,Ada,Lovelace,,,,,,,,2024-01-01,',
    '2,Alan,Turing,,,,,not-an-email,,,2024-01-01,',
    '3,Grace,,,,,,,,,2024-13-01,',
    '1,Dup,Licate,,,,,,,,2024-01-01,',
    '4,Linus,T,,,,,,,DEADBEEF,2024-01-01,',
  ].join('\n');
  const { issues } = parseMemberCsv(csv);
  assert.deepEqual(
    issues.map((issue) => `${issue.line}:${issue.path}`),
    ['3:email', '4:last_name', '4:joined_on', '5:member_number', '6:openpgp_fingerprint'],
  );
  assert.match(issues.find((issue) => issue.line === 5)?.message ?? '', /duplicate of line 2/);
});

test('refuses a header with a missing or unknown column', () => {
  const { issues } = parseMemberCsv('member_number,first_name,nickname\n1,Ada,Countess\n');
  assert.ok(
    issues.some((issue) => issue.path === 'nickname' && issue.message === 'unknown column'),
  );
  assert.ok(
    issues.some((issue) => issue.path === 'last_name' && issue.message === 'column missing'),
  );
});

test('accepts semicolons and a byte-order mark, and counts lines of multi-line fields', () => {
  const csv = `\uFEFF${HEADER.replace(/,/g, ';')}\n1;Ada;"Love\nlace";;;;;;;;2024-01-01;\n2;Alan;Turing;;;;;x;;;2024-01-01;\n`;
  const { issues } = parseMemberCsv(csv);
  // A line break is no part of a name: the record is refused where it starts.
  assert.deepEqual(
    issues.map((issue) => `${issue.line}:${issue.path}`),
    ['2:last_name', '4:email'],
  );
});

test('guards exported cells against formula injection and round-trips them', () => {
  assert.equal(escapeCell('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
  assert.equal(escapeCell('+49 541 123'), '+49 541 123');
  assert.equal(escapeCell('-cmd'), `'-cmd`);
  const member = {
    id: 'x',
    memberNumber: '1',
    firstName: '=cmd|x',
    lastName: 'Lovelace',
    birthDate: null,
    street: null,
    postcode: null,
    city: null,
    email: null,
    phone: '+49 541 1',
    openpgpFingerprint: null,
    joinedOn: '2024-01-01',
    leftOn: null,
    restrictedAt: null,
    createdAt: '',
    updatedAt: '',
  } satisfies Member;
  const csv = formatMemberCsv([member]);
  assert.ok(csv.startsWith(HEADER));
  const { rows } = parseMemberCsv(csv);
  assert.equal(rows[0]?.fields.firstName, '=cmd|x');
  assert.equal(rows[0]?.fields.phone, '+49 541 1');
});

test('refuses a control character in a cell, naming its line and column', () => {
  const csv = [
    HEADER,
    '1,Ada,Lovelace,,,,,,,,2024-01-01,',
    '2,Alan,"Tu\u202Ering",,,,,,,,2024-01-01,',
    '3,Grace,Hopper,,"Weg 1\u0000x:0:0",,,,,,2024-01-01,',
  ].join('\n');
  const { issues } = parseMemberCsv(csv);
  assert.deepEqual(
    issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`),
    [
      '3:last_name:must not contain control characters (found U+202E)',
      '4:street:must not contain control characters (found U+0000)',
    ],
  );
});

test('a stray quote that swallows the next row names its line instead of importing less', () => {
  const swallowed = [
    HEADER,
    '1,Ada,"Lovelace,,,,,,,,2024-01-01,',
    '2,Alan,Turing",,,,,,,,2024-01-01,',
    '3,Grace,Hopper,,,,,,,,2024-01-01,',
  ].join('\n');
  const { issues } = parseMemberCsv(swallowed);
  assert.deepEqual(
    issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`),
    [
      '2:last_name:a quote opened here runs over 2 lines and swallows the rows there (a stray quote?)',
    ],
  );
  const unclosed = [
    HEADER,
    '1,Ada,Lovelace,,,,,,,,2024-01-01,',
    '2,Alan,"Turing,,,,,,,,2024-01-01,',
    '3,Grace,Hopper,,,,,,,,2024-01-01,',
  ].join('\n');
  assert.deepEqual(
    parseMemberCsv(unclosed).issues.map((issue) => `${issue.line}:${issue.message}`),
    ['3:a quote opened in this line is never closed (a stray quote?)'],
  );
});

test('keeps a value that itself starts with an apostrophe before = + - @ through export and import', () => {
  const member = {
    id: 'x',
    memberNumber: '1',
    firstName: "'+",
    lastName: "''=x",
    birthDate: null,
    street: "'-1",
    postcode: null,
    city: "'Ort",
    email: null,
    phone: null,
    openpgpFingerprint: null,
    joinedOn: '2024-01-01',
    leftOn: null,
    restrictedAt: null,
    createdAt: '',
    updatedAt: '',
  } satisfies Member;
  const { rows, issues } = parseMemberCsv(formatMemberCsv([member]));
  assert.deepEqual(issues, []);
  assert.deepEqual(
    [
      rows[0]?.fields.firstName,
      rows[0]?.fields.lastName,
      rows[0]?.fields.street,
      rows[0]?.fields.city,
    ],
    ["'+", "''=x", "'-1", "'Ort"],
  );
});
