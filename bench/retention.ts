/**
 * Retention benchmark (issue "automatic deletion with proof"; issue 15 items 3 and 4), run by hand:
 *
 *   node --import tsx bench/retention.ts [--lines 1000000] [--files 30] [--members 10000]
 *     [--rounds 3]
 *
 * 1. 30 live (not rotated) log files holding 1,000,000 expired lines between them and a few
 *    fresh ones: the website-logs job prunes them (temp file, fsync, rename per file), beside
 *    `mawk` and `gawk` filtering the same files by the same cutoff into new files (one process
 *    for all files, no fsync), in the same round; the peer is the faster awk; medians of rounds;
 * 2. 10,000 former members with fees and payments: the exit stages (contact data, email) beside
 *    one bare UPDATE blanking the same columns (rolled back), then, eight years later, the final
 *    stage (person gone, bookings unlinked) and the audit trail.
 * BENCH_DATABASE_URL=postgres://… runs part 2 on PostgreSQL (the database is emptied first).
 * `--lines 0` or `--members 0` skips a part; BENCH_CPU_PROF=DIR writes CPU profiles of the
 * measured steps.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime, type Runtime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { manualClock } from '../src/core/clock.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { subtractDuration } from '../src/core/duration.ts';
import { newId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/log.ts';
import { importMembers } from '../src/members/index.ts';
import { compileRetention, runRetention } from '../src/retention/index.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';
import {
  benchEnv,
  loadAverage,
  median,
  profiled,
  ratio,
  resetPostgres,
  runIfMain,
  type BenchOptions,
  type BenchRow,
} from './support.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs `command args` and resolves with its time in ms; rejects on a non-zero exit. */
function timedRun(command: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${command} exited with ${code}: ${errors}`));
    });
  });
}

/** Writes FILES live logs of `perFile` expired lines and 100 fresh ones; returns their bytes. */
async function writeLogs(dir: string, files: number, perFile: number): Promise<number> {
  const old = Date.parse('2026-11-01T00:00:00Z');
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const logDir = join(dir, `root${f}`, 'var/log/treff');
    await mkdir(logDir, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < perFile; i++)
      lines.push(
        `${new Date(old + i * 1000).toISOString()} 192.0.2.${i % 250} Linux Firefox https://example.org/ /page/${i}`,
      );
    for (let i = 0; i < 100; i++)
      lines.push(
        `${new Date(Date.parse('2026-11-27T00:00:00Z') + i * 1000).toISOString()} 192.0.2.1 Linux Firefox - /fresh/${i}`,
      );
    const content = `${lines.join('\n')}\n`;
    bytes += content.length;
    await writeFile(join(logDir, 'web'), content);
  }
  return bytes;
}

/** Part 1: the website-logs job beside awk, `rounds` times on fresh files. */
async function pruneLogs(
  runtime: Runtime,
  dir: string,
  options: { lines: number; files: number; rounds: number; log: BenchOptions['log'] },
): Promise<BenchRow[]> {
  const { lines, files, rounds, log } = options;
  const job = compileRetention(runtime.config).jobs.find((j) => j.name === 'website-logs.1');
  if (!job?.period) throw new Error('the example declares no website-logs.1 job with a period');
  // The job's cutoff as the lines write it: ISO 8601 in UTC compares as text.
  const cutoff = subtractDuration(runtime.clock.now(), job.period).toISOString();
  const perFile = Math.ceil(lines / files);
  const logs = Array.from({ length: files }, (_, f) => join(dir, `root${f}`, 'var/log/treff/web'));
  const program = '$1 >= cutoff { print > (FILENAME ".awk") }';
  const times: Record<'treff' | 'mawk' | 'gawk', number[]> = { treff: [], mawk: [], gawk: [] };
  let removed = 0;
  let bytes = 0;
  for (let round = 1; round <= rounds; round++) {
    bytes = await writeLogs(dir, files, perFile);
    // awk first on the same files, then treff (both read them from the page cache).
    for (const awk of ['mawk', 'gawk'] as const)
      times[awk].push(
        await timedRun(`/usr/bin/${awk}`, ['-v', `cutoff=${cutoff}`, program, ...logs]),
      );
    const awkLeft = (await stat(`${logs[0] ?? ''}.awk`)).size;
    removed = 0;
    const started = performance.now();
    await profiled(`retention-logs-${round}`, async () => {
      for (let f = 0; f < files; f++) {
        const [outcome] = await runRetention(runtime, {
          only: 'website-logs.1',
          dryRun: false,
          root: join(dir, `root${f}`),
        });
        removed += outcome?.removed ?? 0;
      }
    });
    times.treff.push(performance.now() - started);
    const left = (await stat(logs[0] ?? '')).size;
    if (left !== awkLeft) throw new Error(`treff kept ${left} bytes, awk ${awkLeft}`);
    log(
      `round ${round}: treff ${seconds(times.treff.at(-1) ?? NaN)}, mawk ${seconds(times.mawk.at(-1) ?? NaN)}, gawk ${seconds(times.gawk.at(-1) ?? NaN)}; ${left} bytes of fresh lines left per file, the same as awk's`,
    );
  }
  const treff = median(times.treff);
  const [peerName, peer] = (['mawk', 'gawk'] as const)
    .map((awk) => [awk, median(times[awk])] as const)
    .sort((a, b) => a[1] - b[1])[0] ?? ['awk', NaN];
  log(
    `pruned ${removed} expired lines (${(bytes / 1e6).toFixed(0)} MB) from ${files} live log files: median ${seconds(treff)} (${Math.round(removed / (treff / 1000))} lines/s); mawk ${seconds(median(times.mawk))}, gawk ${seconds(median(times.gawk))}`,
  );
  // Speed is the inverse of time: treff's speed / awk's = awk's time / treff's.
  const speed = peer / treff;
  return [
    {
      name: `website-log pruning, ${lines.toLocaleString('en')} lines in ${files} files (speed vs awk)`,
      treff: seconds(treff),
      peer: `${seconds(peer)} ${peerName}`,
      ratio: ratio(peer, treff),
      target: '≥ 0.8× awk',
      met: speed >= 0.8,
    },
  ];
}

/** Former members with a fee and six payments each. */
async function seedFormerMembers(runtime: Runtime, members: number): Promise<void> {
  const csv = [
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on',
  ];
  for (let i = 1; i <= members; i++)
    csv.push(
      `${i},Former,Member${i},1980-01-01,Weg ${i},49074,Osnabrück,f${i}@example.org,+49 541 ${100000 + i},,2020-01-01,2025-12-31`,
    );
  // The import takes at most 20,000 rows per file.
  for (let start = 1; start < csv.length; start += 20_000)
    await importMembers(
      runtime,
      CLI_ACTOR,
      `${csv[0] ?? ''}\n${csv.slice(start, start + 20_000).join('\n')}\n`,
      { dryRun: false },
    );
  const rows = await runtime.db.selectFrom('members').select('id').execute();
  const now = runtime.clock.now().toISOString();
  await runtime.db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += 300) {
      const chunk = rows.slice(start, start + 300);
      await trx
        .insertInto('member_fees')
        .values(
          chunk.map((m) => ({
            id: newId(),
            member_id: m.id,
            amount_cents: 6000,
            interval_months: 12,
            valid_from: '2020-01-01',
            created_at: now,
            created_by: 'bench',
          })),
        )
        .execute();
      await trx
        .insertInto('bookings')
        .values(
          chunk.flatMap((m) =>
            [2021, 2022, 2023, 2024, 2025, 2020].map((year) => ({
              id: newId(),
              member_id: m.id,
              booked_on: `${year}-01-15`,
              amount_cents: 6000,
              reference: `Beitrag ${year}`,
              kind: 'payment' as const,
              reverses_id: null,
              source: 'manual' as const,
              import_row_id: null,
              created_at: now,
              created_by: 'bench',
            })),
          ),
        )
        .execute();
    }
  });
}

class RolledBack extends Error {}

/** One bare UPDATE blanking the exit stages' columns of every former member, rolled back. */
async function bareExitUpdate(runtime: Runtime): Promise<number> {
  const started = performance.now();
  await runtime.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable('members')
        .set({
          birth_date: null,
          street: null,
          postcode: null,
          city: null,
          phone: null,
          openpgp_fingerprint: null,
          email: null,
          restricted_at: runtime.clock.now().toISOString(),
        })
        .where('left_on', 'is not', null)
        .execute();
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return performance.now() - started;
}

/** Part 2: the exit stages and, eight years later, the final stage. */
async function eraseFormerMembers(
  runtime: Runtime,
  dir: string,
  options: {
    members: number;
    dialect: string;
    clock: ReturnType<typeof manualClock>;
    log: BenchOptions['log'];
  },
): Promise<BenchRow[]> {
  const { members, dialect, clock, log } = options;
  await seedFormerMembers(runtime, members);
  const bareMs = await bareExitUpdate(runtime);
  let started = performance.now();
  const exit = await profiled('retention-exit', () =>
    runRetention(runtime, { dryRun: false, root: dir }),
  );
  const exitMs = performance.now() - started;
  const exitRemoved = exit
    .filter((o) => o.job === 'membership.1' || o.job === 'membership.2')
    .map((o) => `${o.job} ${o.removed}`)
    .join(', ');
  log(
    `exit stages for ${members} former members (contact data, email, restriction): ${seconds(exitMs)} (${exitRemoved}); one bare UPDATE of the same columns: ${seconds(bareMs)}`,
  );
  clock.set('2034-01-01T12:00:00Z');
  started = performance.now();
  const final = await profiled('retention-final', () =>
    runRetention(runtime, { dryRun: false, root: dir }),
  );
  const finalMs = performance.now() - started;
  const left = await runtime.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const linked = await runtime.db
    .selectFrom('bookings')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('member_id', 'is not', null)
    .executeTakeFirstOrThrow();
  const erased = final.find((o) => o.job === 'membership.3')?.removed ?? 0;
  log(
    `final stage 8 years after the exit year: ${seconds(finalMs)} (${erased} erased, audit of ${final.find((o) => o.job === 'membership.4')?.removed ?? 0} anonymised; ${String(left.n)} members and ${String(linked.n)} linked bookings left)`,
  );
  const count = members.toLocaleString('en');
  return [
    {
      name: `retention exit stages, ${count} former members, ${dialect}`,
      treff: seconds(exitMs),
      peer: `${seconds(bareMs)} one bare UPDATE`,
      ratio: ratio(exitMs, bareMs),
      target: members >= 10_000 ? '≤ 3 s' : '–',
      met: members >= 10_000 ? exitMs <= 3000 : null,
    },
    {
      name: `retention final stage, ${count} former members, ${dialect}`,
      treff: seconds(finalMs),
      peer: '–',
      ratio: '–',
      target: '–',
      met: null,
    },
  ];
}

/** Prunes the bench's log files beside awk and erases former members; see the file comment. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      lines: { type: 'string', default: '1000000' },
      files: { type: 'string', default: '30' },
      members: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-retention-'));
  try {
    // The website log declared as a live file, pruned line by line.
    const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
      '      path: /var/log/treff/web\n',
      '      path: /var/log/treff/web\n      rotated: false\n',
    );
    const file = join(dir, 'treff.yaml');
    await writeFile(file, yaml);
    const clock = manualClock('2026-11-27T12:00:00Z');
    const env = benchEnv();
    const config = parseConfig(yaml, file, env);
    const dialect = config.database.url.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
    if (dialect === 'PostgreSQL') await resetPostgres(config.database.url);
    const runtime = await createRuntime(config, { log: silentLogger(), clock });
    log(
      `treff retention benchmark: ${values.lines} lines in ${values.files} files, ${values.members} former members, ${dialect}, Node ${process.version}, load ${await loadAverage()}`,
    );
    const rows: BenchRow[] = [];
    try {
      // FILES copies of the declared log path are not how a club runs; to prune 30 files with
      // the job's own code, each file gets its own root with the same relative path.
      if (Number(values.lines) > 0)
        rows.push(
          ...(await pruneLogs(runtime, dir, {
            lines: Number(values.lines),
            files: Number(values.files),
            rounds: Number(values.rounds),
            log,
          })),
        );
      if (Number(values.members) > 0)
        rows.push(
          ...(await eraseFormerMembers(runtime, dir, {
            members: Number(values.members),
            dialect,
            clock,
            log,
          })),
        );
    } finally {
      await runtime.close();
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
