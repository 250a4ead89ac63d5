/**
 * CAMT.053 import benchmark (issue 16), run by hand:
 *
 *   node --import tsx bench/camt.ts [--entries 10000] [--rounds 3]
 *
 * Books a camt.053.001.08 file of `entries` entries (each a transfer naming one of 2,000
 * members) with commitCamtImport, on a fresh SQLite database per round (BENCH_DIALECT=postgres
 * with TREFF_TEST_PG_URL for a fresh PostgreSQL schema); the peer is the CSV import of the
 * same transfers (commitBankImport) in the same run. Target: under 1 s.
 */
import { parseArgs } from 'node:util';
import { createTestApp } from '../test/support/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { commitCamtImport } from '../src/members/camt.service.ts';
import { commitBankImport } from '../src/members/contributions.service.ts';
import { guessMapping } from '../src/members/bank-import.ts';
import { importMembers } from '../src/members/index.ts';
import { median, ratio, runIfMain, type BenchOptions, type BenchRow } from './support.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
const MEMBERS = [
  HEADER,
  ...Array.from({ length: 2000 }, (_, i) => `${i + 1},V${i},N${i},,,,,,,,2024-01-01,`),
].join('\n');

/** A camt.053.001.08 statement of `count` single-transfer entries. */
export function camtFile(count: number): string {
  const entries = Array.from({ length: count }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    return `<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-${day}</Dt></BookgDt><ValDt><Dt>2026-03-${day}</Dt></ValDt><AcctSvcrRef>BENCH-${i}</AcctSvcrRef><NtryDtls><TxDtls><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>Vorname ${i}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag Chaos-Nr. ${(i % 2000) + 1} Zeile ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-31T22:00:00+02:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-2026-03</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>\n${entries.join('\n')}\n</Stmt></BkToCstmrStmt></Document>\n`;
}

function csvFile(count: number): string {
  return [
    'Buchungstag;Betrag;Verwendungszweck;Name',
    ...Array.from(
      { length: count },
      (_, i) =>
        `${String((i % 28) + 1).padStart(2, '0')}.03.2026;5,00;Beitrag Chaos-Nr. ${(i % 2000) + 1} Zeile ${i};Vorname ${i}`,
    ),
  ].join('\n');
}

const DIALECT = process.env['BENCH_DIALECT'] === 'postgres' ? 'postgres' : 'sqlite';

async function timeOnce(book: (t: Awaited<ReturnType<typeof createTestApp>>) => Promise<unknown>) {
  const t = await createTestApp(DIALECT);
  try {
    await importMembers(t.deps, CLI_ACTOR, MEMBERS, { dryRun: false });
    const started = performance.now();
    await book(t);
    return performance.now() - started;
  } finally {
    await t.close();
  }
}

/** Runs the benchmark and returns its rows. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      entries: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const entries = Number(values.entries);
  const rounds = Number(values.rounds);
  const xml = camtFile(entries);
  const csv = csvFile(entries);
  const camtTimes: number[] = [];
  const csvTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    camtTimes.push(await timeOnce((t) => commitCamtImport(t.deps, CLI_ACTOR, 'bench.xml', xml)));
    csvTimes.push(
      await timeOnce((t) =>
        commitBankImport(t.deps, CLI_ACTOR, 'bench.csv', csv, guessMapping(csv).mapping),
      ),
    );
    log(
      `round ${round + 1}: CAMT ${Math.round(camtTimes.at(-1) ?? NaN)} ms, CSV ${Math.round(csvTimes.at(-1) ?? NaN)} ms`,
    );
  }
  const camt = median(camtTimes);
  const peer = median(csvTimes);
  return [
    {
      name: `CAMT.053 import, ${entries.toLocaleString('en')} entries (parse, match, book), ${DIALECT === 'postgres' ? 'PostgreSQL' : 'SQLite'}`,
      treff: `${Math.round(camt)} ms`,
      peer: `CSV import of the same rows ${Math.round(peer)} ms`,
      ratio: ratio(camt, peer),
      target: '< 1 s',
      met: camt < 1000,
    },
  ];
}

runIfMain(import.meta.url, run);
