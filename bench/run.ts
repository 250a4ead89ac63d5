/**
 * The bench table (issue 15, "Must show"), run by hand:
 *
 *   npm run build && npm run bench [-- --only registry,retention] [--quick] [--out bench/table.md]
 *
 * Runs every bench of this folder, each in its own Node process (so one's heap, daemons or
 * crash cannot touch the next's figures), one after the other, and prints one markdown table:
 * treff's figure, the peer's from the same run, the ratio, the target, met or missed. The table
 * and the load average before each bench go to `--out` for the README. Each bench module
 * exports `run(options): Promise<BenchRow[]>` (bench/support.ts) and stays runnable directly.
 *
 * PostgreSQL lines run when BENCH_DATABASE_URL names a database (its tables are dropped and
 * recreated by the benches that use it); without it they say so. Benches that need root
 * (daemons under their own users, homes owned by members) say so in their rows when run
 * without it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../test/support/app.ts';
import { benchTable, loadAverage, skippedRow, type BenchRow } from './support.ts';

/** One bench run: its script, arguments (full and quick) and extra environment. */
interface Job {
  name: string;
  script: string;
  args: readonly string[];
  quick: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Why it cannot run here, if it cannot (checked before it starts). */
  unavailable?: () => string | null;
}

const PG = process.env['BENCH_DATABASE_URL'] ?? '';
const noPg = () => (PG ? null : 'BENCH_DATABASE_URL is not set (PostgreSQL)');
const pgEnv = { BENCH_DATABASE_URL: PG };
const sqliteEnv = { BENCH_DATABASE_URL: '' };

const JOBS: readonly Job[] = [
  {
    name: 'registry (SQLite)',
    script: 'registry.ts',
    args: ['--members', '100000', '--payments', '1000000', '--requests', '200'],
    quick: ['--members', '10000', '--payments', '100000', '--requests', '100'],
    env: sqliteEnv,
  },
  {
    name: 'registry (PostgreSQL)',
    script: 'registry.ts',
    args: ['--members', '100000', '--payments', '1000000', '--requests', '200'],
    quick: ['--members', '10000', '--payments', '100000', '--requests', '100'],
    env: pgEnv,
    unavailable: noPg,
  },
  {
    name: 'retention (SQLite)',
    script: 'retention.ts',
    args: [],
    quick: ['--lines', '200000', '--members', '2000'],
    env: sqliteEnv,
  },
  {
    name: 'retention (PostgreSQL)',
    script: 'retention.ts',
    args: ['--lines', '0'],
    quick: ['--lines', '0', '--members', '2000'],
    env: pgEnv,
    unavailable: noPg,
  },
  { name: 'accounts', script: 'accounts.ts', args: [], quick: ['--requests', '100'] },
  { name: 'wkd', script: 'wkd.ts', args: [], quick: ['--seconds', '3', '--rounds', '1'] },
  { name: 'requests', script: 'requests.ts', args: [], quick: ['--mails', '200'] },
  { name: 'imports', script: 'imports.ts', args: [], quick: ['--rows', '5000'] },
  { name: 'memory', script: 'memory.ts', args: [], quick: [] },
  { name: 'camt (SQLite)', script: 'camt.ts', args: [], quick: ['--rounds', '1'], env: sqliteEnv },
  {
    name: 'camt (PostgreSQL)',
    script: 'camt.ts',
    args: [],
    quick: ['--rounds', '1'],
    // bench/camt.ts books on a fresh schema of the test database (test/support/db.ts).
    env: { BENCH_DIALECT: 'postgres', TREFF_TEST_PG_URL: PG },
    unavailable: noPg,
  },
  { name: 'reminders', script: 'reminders.ts', args: [], quick: ['--members', '200'] },
];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench', 'table.md') },
  },
});
const only = values.only?.split(',').map((name) => name.trim().toLowerCase());
const selected = JOBS.filter(
  (job) => !only || only.some((name) => job.name.toLowerCase().startsWith(name)),
);
if (selected.length === 0) throw new Error(`--only ${values.only ?? ''} names no bench`);

/** Runs one bench in its own process; its rows, or one row saying why there are none. */
async function runJob(job: Job, dir: string): Promise<BenchRow[]> {
  const script = join(ROOT, 'bench', job.script);
  if (!existsSync(script)) return [skippedRow(job.name, '–', `bench/${job.script} is missing`)];
  const reason = job.unavailable?.();
  if (reason) return [skippedRow(job.name, '–', reason)];
  const rowsFile = join(dir, `${job.name.replace(/\W+/g, '-')}.json`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, ...(values.quick ? job.quick : job.args)],
      {
        env: { ...process.env, ...job.env, BENCH_ROWS_FILE: rowsFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (line) stream.write(`[${job.name}] ${line}\n`);
    };
    child.stdout.on('data', prefix(process.stdout));
    child.stderr.on('data', prefix(process.stderr));
    child.once('error', reject);
    child.once('close', resolve);
  });
  try {
    return JSON.parse(await readFile(rowsFile, 'utf8')) as BenchRow[];
  } catch {
    return [skippedRow(job.name, '–', `the bench failed (exit ${code}); see its output`)];
  }
}

const dir = await mkdtemp(join(tmpdir(), 'treff-bench-run-'));
const rows: BenchRow[] = [];
const loads: string[] = [];
try {
  for (const job of selected) {
    const load = await loadAverage();
    loads.push(`${job.name}: ${load}`);
    console.log(`\n== ${job.name} (load average ${load})`);
    const started = performance.now();
    rows.push(...(await runJob(job, dir)));
    console.log(`== ${job.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const table = benchTable(rows);
const header = `Bench table of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${values.quick ? ', --quick sizes' : ''}; load average (1, 5, 15 min) before each bench: ${loads.join('; ')}.`;
await writeFile(values.out, `${header}\n\n${table}\n`);
console.log(`\n${header}\n\n${table}\n\nwritten to ${values.out}`);
