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
  const { rows, issues } = parseMemberCsv(csv);
  assert.equal(rows[0]?.fields.lastName, 'Love\nlace');
  assert.equal(issues[0]?.line, 4);
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
