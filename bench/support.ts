/** Helpers shared by the benchmark scripts (run by hand, never by `npm test`). */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { SERVER_NODE_FLAGS } from '../src/core/node-flags.ts';
import { ROOT } from '../test/support/app.ts';

export { freePort } from '../test/support/daemons.ts';

/**
 * Starts `node FLAGS dist/main.js serve ARGS` as its own process and resolves once it listens.
 * FLAGS are the `treff` executable's, or BENCH_NODE_OPTIONS ('' for Node's defaults). The
 * server logs only warnings; its stdout is drained, its stderr goes to the benchmark's.
 */
export async function startTreff(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcessByStdio<null, Readable, null>> {
  const flags = (process.env['BENCH_NODE_OPTIONS'] ?? SERVER_NODE_FLAGS.join(' '))
    .split(' ')
    .filter(Boolean);
  console.log(`server: node ${flags.join(' ')} dist/main.js serve`);
  const server = spawn(
    process.execPath,
    [...flags, join(ROOT, 'dist', 'main.js'), 'serve', ...args],
    {
      env: { ...env, TREFF_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listens on')) resolve();
    });
    server.once('exit', (code) => {
      reject(new Error(`server exited with ${code}`));
    });
  });
  return server;
}

/** The nearest-rank percentile `p` (0–100) of an ascending list; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50, p95 and p99 of millisecond samples in one line. */
export function latencySummary(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `p50 ${f(percentile(sorted, 50))}, p95 ${f(percentile(sorted, 95))}, p99 ${f(percentile(sorted, 99))} (n=${sorted.length})`;
}

/**
 * One line of the bench table (`npm run bench`): treff's figure beside its peer's from the same
 * run, their ratio, the target and whether it was met (null: nothing to judge, e.g. a
 * bench that could not run here; `treff` then says why).
 */
export interface BenchRow {
  name: string;
  treff: string;
  peer: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

/** What the runner hands a bench module's `run`: its command-line arguments and a logger. */
export interface BenchOptions {
  /** Arguments as on the command line (`--members 100000`), parsed by the bench itself. */
  args: readonly string[];
  /** Progress lines (the direct run prints them; the runner prefixes them with the bench). */
  log: (line: string) => void;
}

/** A bench module as the runner (bench/run.ts) loads it. */
export interface BenchModule {
  run(options: BenchOptions): Promise<BenchRow[]>;
}

/** A row for a bench that cannot run here (no root, a daemon missing): says so, judges nothing. */
export function skippedRow(name: string, target: string, reason: string): BenchRow {
  return { name, treff: `not run: ${reason}`, peer: '–', ratio: '–', target, met: null };
}

/** Whether this process runs as root (benches that start daemons under other users need it). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** `a / b` as a ratio with two decimals ("0.93×"), or "–" when either is not a positive number. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0
    ? `${(a / b).toFixed(2)}×`
    : '–';
}

/** The median of a list of numbers (NaN when it is empty). */
export function median(list: readonly number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The load average as `uptime` prints it (1, 5, 15 minutes). */
export async function loadAverage(): Promise<string> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return text.split(' ').slice(0, 3).join(', ');
}

/** The bench table as markdown: one line per row, met/missed spelled out. */
export function benchTable(rows: readonly BenchRow[]): string {
  const cells = (row: BenchRow) => [
    row.name,
    row.treff,
    row.peer,
    row.ratio,
    row.target,
    row.met === null ? '–' : row.met ? 'met' : 'missed',
  ];
  const header = ['Measure', 'treff', 'peer (same run)', 'ratio', 'target', 'met'];
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
  ].join('\n');
}

/**
 * Runs `run` when the module at `moduleUrl` is the script node was started with (a bench run
 * directly, `node --import tsx bench/x.ts --flag`), printing its progress and then its table.
 */
export function runIfMain(moduleUrl: string, run: BenchModule['run']): void {
  const script = process.argv[1];
  if (!script || pathToFileURL(resolve(script)).href !== moduleUrl) return;
  const log = (line: string) => {
    console.log(line);
  };
  run({ args: process.argv.slice(2), log }).then(
    async (rows) => {
      console.log(`\n${benchTable(rows)}`);
      // Started by bench/run.ts: the rows go to it as JSON.
      const out = process.env['BENCH_ROWS_FILE'];
      if (out) await writeFile(out, JSON.stringify(rows));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/**
 * Empties the PostgreSQL database at `url`, so a bench starts from a fresh registry as it does on
 * a new SQLite file: drops every schema but the system ones (Kysely's migrator finds its tables
 * in any schema, so a test's leftover schema would hide them) and recreates `public`. Only for
 * a database of its own.
 */
export async function resetPostgres(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema'",
    );
    for (const { name } of rows) await client.query(`drop schema "${name}" cascade`);
    await client.query('create schema public');
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn`; with BENCH_CPU_PROF=DIR set, records a CPU profile of just this step into
 * DIR/NAME.cpuprofile (open it in Chrome's DevTools), so a profile shows the measured part
 * without the seeding around it.
 */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** The environment with BENCH_DATABASE_URL, when set, as the database of treff (TREFF_DATABASE_URL). */
export function benchEnv(): NodeJS.ProcessEnv {
  const url = process.env['BENCH_DATABASE_URL'];
  return { ...process.env, ...(url ? { TREFF_DATABASE_URL: url } : {}) };
}
