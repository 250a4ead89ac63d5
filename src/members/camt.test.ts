import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { CAMT_LISTS, looksLikeXml, parseCamt, readTree } from './camt.ts';
import { readPlainXml } from './camt-xml.ts';

const FIXTURES = join(import.meta.dirname, '__fixtures__', 'camt');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const SPARKASSE = fixture('sparkasse-camt053-001-02.xml');
const DKB = fixture('dkb-camt053-001-08.xml');

test('reads every transfer of a .02 file with several statements, a batch and a reversal', () => {
  const result = parseCamt(SPARKASSE, 'EUR');
  assert.deepEqual(result.issues, []);
  assert.equal(result.version, 'camt.053.001.02');
  assert.equal(result.statements, 2);
  assert.equal(result.skippedUnbooked, 1, 'the pending entry is not imported');
  assert.deepEqual(
    result.rows.map((row) => [row.bookedOn, row.amountCents, row.reference, row.review ?? '']),
    [
      ['2026-03-02', 500, 'Beitrag Maerz Chaos-Nr. 42', ''],
      ['2026-03-02', 6000, 'Jahresbeitrag 2026 Mitglied 7', ''],
      ['2026-03-02', 500, 'Spende', ''],
      ['2026-03-03', -500, 'RUECKLASTSCHRIFT Beitrag Chaos-Nr. 42', 'reversal'],
      ['2026-03-03', 2000, 'Membership fee member 9', 'currency'],
      ['2026-03-03', 500, 'Beitrag Chaos-Nr. 9', ''],
    ],
  );
  assert.equal(result.rows[2]?.counterparty, 'Grace Hopper & Co', 'entities are decoded');
  assert.equal(result.rows[4]?.currency, 'USD');
  assert.equal(result.rows[1]?.source, 'statement 2026-03-02-0001, entry 2.1 (2026030200012346)');
});

test('reads a .08 file: status code, parties under Pty, amounts and references per transfer', () => {
  const result = parseCamt(DKB, 'EUR');
  assert.deepEqual(result.issues, []);
  assert.equal(result.version, 'camt.053.001.08');
  assert.deepEqual(
    result.rows.map((row) => [row.amountCents, row.reference, row.counterparty]),
    [
      [500, 'Chaos-Nr. 42 April', 'Ada Lovelace'],
      [500, 'Mitgliedsnr 9', 'Margaret Hamilton'],
      [-3990, 'Rechnung 2026-03 Server', 'Hoster GmbH'],
    ],
  );
});

test('fingerprints stay the same on re-reading and differ between transfers of a batch', () => {
  const first = parseCamt(SPARKASSE, 'EUR').rows.map((row) => row.fingerprint);
  const again = parseCamt(SPARKASSE, 'EUR').rows.map((row) => row.fingerprint);
  assert.deepEqual(again, first);
  assert.equal(new Set(first).size, first.length);
});

test('the bank reference decides identity: the same AcctSvcrRef in another file is the same row', () => {
  const [original] = parseCamt(SPARKASSE, 'EUR').rows;
  // The bank re-exports the day with a corrected remittance text: still the same entry.
  const edited = SPARKASSE.replace('Beitrag Maerz Chaos-Nr. 42', 'Beitrag März Chaos-Nr. 42');
  assert.equal(parseCamt(edited, 'EUR').rows[0]?.fingerprint, original?.fingerprint);
  // Without the reference, the fallback key covers the text, so an edit makes a new row.
  const noRef = SPARKASSE.replace('<AcctSvcrRef>2026030200012345</AcctSvcrRef>', '');
  const noRefEdited = edited.replace('<AcctSvcrRef>2026030200012345</AcctSvcrRef>', '');
  assert.notEqual(
    parseCamt(noRef, 'EUR').rows[0]?.fingerprint,
    parseCamt(noRefEdited, 'EUR').rows[0]?.fingerprint,
  );
});

test('two identical entries without a reference are two rows', () => {
  const entry =
    /<Ntry>\s*<Amt Ccy="EUR">5\.00<\/Amt>\s*<CdtDbtInd>CRDT<\/CdtDbtInd>\s*<Sts>BOOK<\/Sts>\s*<BookgDt><Dt>2026-03-03[\s\S]*?<\/Ntry>/.exec(
      SPARKASSE,
    )?.[0];
  assert.ok(entry);
  const doubled = SPARKASSE.replace(entry, `${entry}\n${entry}`);
  const rows = parseCamt(doubled, 'EUR').rows.filter(
    (row) => row.reference === 'Beitrag Chaos-Nr. 9',
  );
  assert.equal(rows.length, 2);
  assert.notEqual(rows[0]?.fingerprint, rows[1]?.fingerprint);
});

test('an unreadable entry is named by statement, entry and reference, and yields no rows', () => {
  const broken = SPARKASSE.replace('<Amt Ccy="EUR">65.00</Amt>', '<Amt Ccy="EUR">65,00</Amt>');
  const result = parseCamt(broken, 'EUR');
  assert.deepEqual(result.issues, [
    {
      path: 'statement 2026-03-02-0001, entry 2 (2026030200012346)',
      message: '"65,00" is not an amount',
    },
  ]);
  const noDirection = DKB.replace('<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>', '<Sts>');
  assert.deepEqual(
    parseCamt(noDirection, 'EUR').issues.map((issue) => issue.path),
    ['statement DKB-2026-03-10, entry 2 (DKB-20260310-AA02)'],
  );
});

test('a batch transfer without its own amount is refused, not booked at the batch total', () => {
  const broken = SPARKASSE.replace(
    '<AmtDtls><TxAmt><Amt Ccy="EUR">5.00</Amt></TxAmt></AmtDtls>',
    '',
  );
  assert.deepEqual(parseCamt(broken, 'EUR').issues, [
    {
      path: 'statement 2026-03-02-0001, entry 2 (2026030200012346)',
      message: 'transfer 2 of the batch has no amount',
    },
  ]);
});

test('refuses a DOCTYPE and entity declarations before parsing (no entity expansion)', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&lol2;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>`;
  assert.deepEqual(parseCamt(laughs, 'EUR').issues, [
    { path: 'file', message: 'a DOCTYPE is not allowed in a CAMT file' },
  ]);
  const external = SPARKASSE.replace(
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0"?><!ENTITY x SYSTEM "file:///etc/passwd">',
  );
  assert.equal(
    parseCamt(external, 'EUR').issues[0]?.message,
    'entity declarations are not allowed',
  );
});

test('refuses what is not a CAMT.053 statement, naming why', () => {
  assert.match(
    parseCamt('<a><b></a>', 'EUR').issues[0]?.message ?? '',
    /^not well-formed XML \(line 1\)/,
  );
  const camt054 = SPARKASSE.replaceAll('camt.053.001.02', 'camt.054.001.02');
  assert.match(
    parseCamt(camt054, 'EUR').issues[0]?.message ?? '',
    /^not a CAMT\.053 bank statement/,
  );
});

test('detects XML by its first character', () => {
  assert.equal(looksLikeXml(SPARKASSE), true);
  assert.equal(looksLikeXml('\n  <Document/>'), true);
  assert.equal(looksLikeXml('Buchungstag;Betrag\n'), false);
});

test('the fast reader of plain XML gives the tree fast-xml-parser gives, or leaves the file to it', () => {
  const plain = (xml: string) => readPlainXml(xml, CAMT_LISTS);
  for (const name of readdirSync(FIXTURES)) {
    const xml = fixture(name);
    const tree = plain(xml);
    assert.notEqual(tree, null, `${name} is plain XML`);
    const expected = readTree(xml) as Record<string, unknown>;
    assert.deepEqual(tree?.['Document'], expected['Document'], name);
  }
  const samples = [
    '<?xml version="1.0"?>\r\n<a:Document xmlns:a="urn:x" xmlns="urn:y" a:b=" 1 "><Stmt><Id> S </Id></Stmt>' +
      '<Amt Ccy=\'EUR\'>5.00</Amt><Amt Ccy="USD" x="a>b"/><E></E><F/><G>one<H>x</H>two</G>' +
      '<Ntry><Sts>BOOK</Sts></Ntry><Ntry/><K>\r\n  line\r\n</K></a:Document>',
    '<!-- a - b --><Document><Nm> A &amp; B &lt;c&gt; &quot;q&quot; &apos;s&apos; &amp;lt; </Nm>' +
      '<Amt Ccy="&amp;&lt;">1</Amt></Document>',
  ];
  for (const xml of samples) {
    const expected = readTree(xml) as Record<string, unknown>;
    assert.deepEqual(plain(xml)?.['Document'], expected['Document']);
  }
  // Beyond the plain subset: left to fast-xml-parser.
  for (const xml of [
    '<Document><Nm>A &#38; B</Nm></Document>',
    '<Document><Nm>M&uuml;ller</Nm></Document>',
    '<Document><!-- c --><Nm>A</Nm></Document>',
    '<Document><Nm><![CDATA[A]]></Nm></Document>',
    '<Document><?pi x?><Nm>A</Nm></Document>',
    '<Document><N_m>A</N_m></Document>',
    '\ufeff<Document/>',
    // Two roots, the second empty: XMLValidator lets it pass, the reader does not.
    '<Document></Document><Document/>',
  ])
    assert.equal(plain(xml), null, xml);
  // Not well-formed: left to XMLValidator, whose message names the line, as before.
  const NS = 'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"';
  for (const xml of [
    `<Document ${NS}><A></B></Document>`,
    `<Document ${NS}><A>`,
    `<Document ${NS}></Document>x`,
    `x<Document ${NS}></Document>`,
    `<Document ${NS}><A x=1/></Document>`,
    `<Document ${NS}><A x="1" x="2"/></Document>`,
    `<Document ${NS}><A x="1"y="2"/></Document>`,
    `<Document ${NS}><A x/></Document>`,
    `<Document ${NS}>< A/></Document>`,
    `<Document ${NS}></A></Document>`,
    `<Document ${NS}><A></A x="1"></Document>`,
    ` <?xml version="1.0"?><Document ${NS}/>`,
    `<Document ${NS}><A>&</A></Document>`,
    '',
  ]) {
    assert.equal(plain(xml), null, xml);
    assert.match(
      parseCamt(xml, 'EUR').issues[0]?.message ?? '',
      /^not well-formed XML \(line \d+\)/,
      xml,
    );
  }
});

test('on mutated fixtures the fast reader gives a tree only where XMLValidator accepts and fast-xml-parser agrees', () => {
  const pieces = ['<', '>', '/', '"', "'", '=', ' ', '\n', '\r', '\t', '\u00a0', '&', 'amp;'];
  const more = ['<A>', '</A>', '<A/>', 'x', ':', '<!--', '-->', '?', 'xmlns', '<?xml'];
  const all = [...pieces, ...more];
  let seed = 20261206;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let read = 0;
  for (let i = 0; i < 1500; i++) {
    let xml = next(2) === 0 ? SPARKASSE : DKB;
    for (let edits = 1 + next(3); edits > 0; edits--) {
      const at = next(xml.length);
      const piece = all[next(all.length)] ?? '';
      const op = next(3);
      xml =
        op === 0
          ? xml.slice(0, at) + xml.slice(at + 1 + next(5))
          : xml.slice(0, at) + piece + xml.slice(at + (op === 1 ? 0 : 1));
    }
    const tree = readPlainXml(xml, CAMT_LISTS);
    if (tree === null) continue;
    read++;
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    assert.equal(XMLValidator.validate(xml), true, xml);
    assert.deepEqual(tree['Document'], (readTree(xml) as Record<string, unknown>)['Document']);
  }
  assert.ok(read > 100, `${read} mutated files read`);
});
