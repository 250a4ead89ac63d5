/**
 * Import benchmark (hardening issue, input edges), run by hand:
 *
 *   node --import tsx bench/imports.ts [--rows 20000] [--dry-rows 100000]
 *
 * 1. books a bank statement of `rows` lines (all matching one of 2,000 members) through the
 *    board's form, while another client asks for a page every 20 ms: prints the commit's time,
 *    the longest event-loop stall and the slowest concurrent answer;
 * 2. uploads a member CSV of `dry-rows` lines to the dry run: prints the answer's status and
 *    size and the growth of the resident memory.
 *
 * In process, on a fresh SQLite database (BENCH_DIALECT=postgres with TREFF_TEST_PG_URL for
 * PostgreSQL).
 */
import { parseArgs } from 'node:util';
import { addUser, createTestApp } from '../test/support/app.ts';
import { TestClient } from '../test/support/client.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { newToken } from '../src/core/ids.ts';
import { importMembers } from '../src/members/index.ts';
import { runIfMain, type BenchOptions, type BenchRow } from './support.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
const memberCsv = (count: number, from = 1) =>
  [
    HEADER,
    ...Array.from(
      { length: count },
      (_, index) =>
        `${from + index},Vorname${index},Nachname${index},1990-01-01,Weg ${index},49074,Osnabrück,m${from + index}@example.org,,,2024-01-01,`,
    ),
  ].join('\n');

/** Books a large statement and dry-runs a large member CSV in process; see the file comment. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { values } = parseArgs({
    args: [...args],
    options: {
      rows: { type: 'string', default: '20000' },
      'dry-rows': { type: 'string', default: '100000' },
    },
  });
  const ROWS = Number(values.rows);
  const DRY_ROWS = Number(values['dry-rows']);
  const t = await createTestApp(
    process.env['BENCH_DIALECT'] === 'postgres' ? 'postgres' : 'sqlite',
  );
  try {
    await importMembers(t.deps, CLI_ACTOR, memberCsv(2000), { dryRun: false });
    const board = new TestClient(t.app);
    await board.login('kasse', await addUser(t.deps, 'kasse', ['board', 'treasurer']));
    const other = new TestClient(t.app);
    await other.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));

    // 1. Booking.
    const statement = [
      'Buchungstag;Betrag;Verwendungszweck',
      ...Array.from(
        { length: ROWS },
        (_, index) =>
          `${String((index % 28) + 1).padStart(2, '0')}.03.2026;5,00;Beitrag Chaos-Nr. ${(index % 2000) + 1} Zeile ${index}`,
      ),
    ].join('\n');
    await board.get('/admin/contributions');
    const form = {
      runKey: newToken(),
      fileName: 'bench.csv',
      text: statement,
      delimiter: ';',
      headerLine: '1',
      decimal: ',',
      dateColumn: 'Buchungstag',
      amountColumn: 'Betrag',
      referenceColumn: 'Verwendungszweck',
      counterpartyColumn: '',
      memberNumberColumn: '',
    };
    let stall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last - 5);
      last = now;
    }, 5);
    let slowest = 0;
    let answers = 0;
    let busy = true;
    const probe = (async () => {
      while (busy) {
        const started = performance.now();
        await other.get('/admin/members?page=1');
        slowest = Math.max(slowest, performance.now() - started);
        answers++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = performance.now();
    // The answer is a redirect to the run's page; the booking runs after it.
    const response = await board.post('/admin/contributions/import/commit', form);
    await t.deps.background.settle();
    const took = performance.now() - started;
    busy = false;
    await probe;
    clearInterval(ticker);
    const booked = await t.deps.db
      .selectFrom('bookings')
      .select(t.deps.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    log(
      `booking ${ROWS} rows: HTTP ${response.status}, ${took.toFixed(0)} ms, ${String(booked.n)} bookings; longest event-loop stall ${stall.toFixed(0)} ms; slowest concurrent page ${slowest.toFixed(0)} ms (${answers} answers)`,
    );

    rows.push({
      name: `bank statement of ${ROWS.toLocaleString('en')} rows booked through the form: longest event-loop stall`,
      treff: `${stall.toFixed(0)} ms (commit ${took.toFixed(0)} ms)`,
      peer: `${slowest.toFixed(0)} ms slowest concurrent page`,
      ratio: '–',
      target: '–',
      met: null,
    });

    // 2. Dry run.
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    await board.get('/admin/members/import');
    const dryStarted = performance.now();
    const dry = await board.upload(
      '/admin/members/import',
      'file',
      'members.csv',
      memberCsv(DRY_ROWS, 10_001),
    );
    const body = await dry.text();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    log(
      `dry run of ${DRY_ROWS} rows: HTTP ${dry.status}, ${(body.length / 1024 / 1024).toFixed(2)} MB of HTML, ${(performance.now() - dryStarted).toFixed(0)} ms, RSS +${((peak - before) / 1024 / 1024).toFixed(0)} MiB at peak`,
    );
    rows.push({
      name: `member CSV of ${DRY_ROWS.toLocaleString('en')} rows to the dry run: RSS growth at peak`,
      treff: `${((peak - before) / 1024 / 1024).toFixed(0)} MiB (HTTP ${dry.status})`,
      peer: '–',
      ratio: '–',
      target: '–',
      met: null,
    });
    return rows;
  } finally {
    await t.close();
  }
}

runIfMain(import.meta.url, run);
