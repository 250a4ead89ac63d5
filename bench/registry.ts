/**
 * Registry benchmark (issue "treff foundation and the member registry"), run by hand:
 *
 *   npm run build && node --import tsx bench/registry.ts [--members 10000] [--payments 100000]
 *     [--requests 400] [--no-idle]
 *
 * 1. imports N members from CSV through the real import (validation, one transaction, audit),
 *    in files of at most 20,000 rows (the import's limit), beside a bare INSERT of as many rows;
 * 2. books M payments (bulk insert, spread over the members) and a monthly fee per member;
 * 3. starts `node dist/main.js serve` as its own process, logs in as the board over HTTP and
 *    measures the member list (random pages) and the search (random name fragments), beside
 *    `/healthz` of the same server;
 * 4. reads the server's resident memory (VmRSS) when idle: 3 s and 15 s after start (V8's memory
 *    reducer runs after 8 s without work), then 5 s and 30 s after the load.
 *
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL instead of a fresh SQLite file (the
 * database is emptied first). `--no-idle` skips the idle-memory waits (90 s); `--keep` leaves the
 * temp dir (declaration, SQLite file) for EXPLAIN QUERY PLAN.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime, type Runtime } from '../src/app.ts';
import { createUser } from '../src/auth/index.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { newId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/log.ts';
import { importMembers } from '../src/members/index.ts';
import { runRetention } from '../src/retention/index.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';
import { loginOverHttp } from '../test/support/client.ts';
import { MAX_CSV_ROWS } from '../src/core/csv.ts';
import {
  benchEnv,
  freePort,
  loadAverage,
  percentile,
  ratio,
  resetPostgres,
  runIfMain,
  startTreff,
  type BenchOptions,
  type BenchRow,
} from './support.ts';
import { CITIES, FIRST, LAST, memberCsv, pick, seedPayments, splitCsv } from './registry-data.ts';

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `${label}: n=${sorted.length} p50 ${f(percentile(sorted, 50))}, p95 ${f(percentile(sorted, 95))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted.at(-1) ?? NaN)}`;
}

/** Logs the server's VmRSS at each of `seconds` after `event`, without any request meanwhile. */
async function idleRss(
  log: BenchOptions['log'],
  pid: number,
  event: string,
  seconds: readonly number[],
): Promise<void> {
  let waited = 0;
  for (const at of seconds) {
    await new Promise((resolve) => setTimeout(resolve, (at - waited) * 1000));
    waited = at;
    log(`idle RSS ${at} s after ${event}: ${(await rssMiB(pid)).toFixed(1)} MiB`);
  }
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kib / 1024;
}

/** p95 of millisecond samples. */
function p95(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    95,
  );
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

/** The member rows of `csv` inserted by one bare multi-row INSERT per 1000 (the import's floor). */
async function bareInsert(runtime: Runtime, count: number): Promise<number> {
  const now = new Date().toISOString();
  const started = performance.now();
  await runtime.db
    .transaction()
    .execute(async (trx) => {
      for (let start = 0; start < count; start += 1000) {
        const rows = [];
        for (let i = start; i < Math.min(count, start + 1000); i++)
          rows.push({
            id: newId(),
            member_number: `bare-${i}`,
            first_name: pick(FIRST, i * 7),
            last_name: `${pick(LAST, i * 13)}${i % 50}`,
            birth_date: '1970-01-01',
            street: `Weg ${i}`,
            postcode: '49074',
            city: pick(CITIES, i),
            email: `b${i}@example.org`,
            phone: null,
            openpgp_fingerprint: null,
            joined_on: '2020-01-01',
            left_on: null,
            search_text: '',
            sort_key: '',
            created_at: now,
            updated_at: now,
          });
        await trx.insertInto('members').values(rows).execute();
      }
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return performance.now() - started;
}

class RolledBack extends Error {}

/**
 * Imports `--members` members by CSV, books `--payments` payments, then times the member list and
 * the search of `dist/main.js serve` over HTTP beside `/healthz` of the same server (the floor of
 * any request), and the import beside a bare INSERT of the same number of rows.
 */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      members: { type: 'string', default: '10000' },
      payments: { type: 'string', default: '100000' },
      requests: { type: 'string', default: '400' },
      'no-idle': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const MEMBERS = Number(values.members);
  const PAYMENTS = Number(values.payments);
  const REQUESTS = Number(values.requests);
  const idle = !values['no-idle'];

  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-'));
  const port = await freePort();
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace('port: 8080', `port: ${port}`);
  const file = join(dir, 'treff.yaml');
  await writeFile(file, yaml);
  const env = benchEnv();
  const config = parseConfig(yaml, file, env);
  const dialect = config.database.url.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
  log(
    `treff registry benchmark: ${MEMBERS} members, ${PAYMENTS} payments, ${dialect}, Node ${process.version}, load ${await loadAverage()}`,
  );

  if (dialect === 'PostgreSQL') await resetPostgres(config.database.url);
  const runtime = await createRuntime(config, { log: silentLogger() });
  const csv = memberCsv(MEMBERS);
  // The import takes at most MAX_CSV_ROWS rows per file: a larger registry comes in several.
  const files = splitCsv(csv, MAX_CSV_ROWS);
  let started = performance.now();
  let imported = 0;
  for (const part of files)
    imported += (await importMembers(runtime, CLI_ACTOR, part, { dryRun: false })).count;
  const importMs = performance.now() - started;
  log(
    `CSV import of ${imported} members (${(csv.length / 1e6).toFixed(1)} MB in ${files.length} files): ${seconds(importMs)}`,
  );
  const bareMs = await bareInsert(runtime, MEMBERS);
  log(`bare INSERT of ${MEMBERS} member rows (rolled back): ${seconds(bareMs)}`);

  started = performance.now();
  await seedPayments(runtime, PAYMENTS);
  log(
    `seeded ${MEMBERS} fees and ${PAYMENTS} payments in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // The retention catch-up of the server would otherwise erase the former members meanwhile.
  await runRetention(runtime, { dryRun: false, root: dir });
  const password = 'benchmark-password-1';
  await createUser(runtime, CLI_ACTOR, { username: 'bench', password, roles: ['board'] });
  await runtime.close();

  const server = await startTreff(['--config', file], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const pid = server.pid ?? 0;
    if (idle) await idleRss(log, pid, 'start', [3, 15, 30, 60]);

    const cookie = await loginOverHttp(base, 'bench', password);

    const timed = async (path: string): Promise<number> => {
      const begin = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      await response.text();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return performance.now() - begin;
    };
    for (let i = 0; i < 20; i++) await timed(`/admin/members?page=${1 + i}`);

    const pages = Math.ceil((MEMBERS * 0.9) / 50);
    const list: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      list.push(await timed(`/admin/members?page=${1 + ((i * 37) % pages)}`));
      floor.push(await timed('/healthz'));
    }
    const search: number[] = [];
    const queries = [
      ...LAST.map((l) => l.slice(0, 4).toLowerCase()),
      ...FIRST.map((f) => f.toLowerCase()),
      'muller',
      'mueller',
      'bramsche',
      'm123@',
      '4242',
    ];
    for (let i = 0; i < REQUESTS; i++)
      search.push(
        await timed(`/admin/members?status=all&q=${encodeURIComponent(pick(queries, i))}`),
      );
    log(summary('member list (50 per page, with balances)', list));
    log(summary('member search', search));
    log(summary('/healthz of the same server', floor));
    if (idle) await idleRss(log, pid, 'the load', [5, 30]);
    const size = `${MEMBERS.toLocaleString('en')} members, ${PAYMENTS.toLocaleString('en')} payments`;
    const floorP95 = p95(floor);
    return [
      {
        name: `CSV import of ${MEMBERS.toLocaleString('en')} members, ${dialect}`,
        treff: seconds(importMs),
        peer: `${seconds(bareMs)} bare INSERT`,
        ratio: ratio(importMs, bareMs),
        target: MEMBERS >= 100_000 ? '≤ 30 s' : '–',
        met: MEMBERS >= 100_000 ? importMs <= 30_000 : null,
      },
      {
        name: `member list p95, ${size}, ${dialect}`,
        treff: ms(p95(list)),
        peer: `${ms(floorP95)} /healthz`,
        ratio: ratio(p95(list), floorP95),
        target: '≤ 50 ms',
        met: p95(list) <= 50,
      },
      {
        name: `member search p95, ${size}, ${dialect}`,
        treff: ms(p95(search)),
        peer: `${ms(floorP95)} /healthz`,
        ratio: ratio(p95(search), floorP95),
        target: '≤ 50 ms',
        met: p95(search) <= 50,
      },
    ];
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    if (values.keep) log(`kept the bench's declaration and database in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
