/**
 * Retention benchmark (issue "automatic deletion with proof"), run by hand:
 *
 *   node --import tsx bench/retention.ts [--lines 1000000] [--files 30] [--members 10000]
 *
 * 1. 30 live (not rotated) log files holding 1,000,000 expired lines between them and a few
 *    fresh ones: the website-logs job prunes them (temp file, fsync, rename per file);
 * 2. 10,000 former members with fees and payments: the exit stages (contact data, email), then,
 *    eight years later, the final stage (person gone, bookings unlinked) and the audit trail.
 * BENCH_DATABASE_URL=postgres://… runs part 2 on PostgreSQL.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { manualClock } from '../src/core/clock.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { newId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/log.ts';
import { importMembers } from '../src/members/index.ts';
import { runRetention } from '../src/retention/index.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    files: { type: 'string', default: '30' },
    members: { type: 'string', default: '10000' },
  },
});
const LINES = Number(values.lines);
const FILES = Number(values.files);
const MEMBERS = Number(values.members);

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
  const config = parseConfig(yaml, file, process.env);
  const runtime = await createRuntime(config, { log: silentLogger(), clock });
  console.log(
    `treff retention benchmark: ${LINES} lines in ${FILES} files, ${MEMBERS} former members, ${config.database.url.split(':')[0]}, Node ${process.version}`,
  );

  // Part 1: FILES copies of the declared log path are not how a club runs; to prune 30 files
  // with the job's own code, each file gets its own root with the same relative path.
  const perFile = Math.ceil(LINES / FILES);
  const old = Date.parse('2026-11-01T00:00:00Z');
  let bytes = 0;
  for (let f = 0; f < FILES; f++) {
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
  let removed = 0;
  let started = performance.now();
  for (let f = 0; f < FILES; f++) {
    const [outcome] = await runRetention(runtime, {
      only: 'website-logs.1',
      dryRun: false,
      root: join(dir, `root${f}`),
    });
    removed += outcome?.removed ?? 0;
  }
  const pruneMs = performance.now() - started;
  const left = (await stat(join(dir, 'root0/var/log/treff/web'))).size;
  console.log(
    `pruned ${removed} expired lines (${(bytes / 1e6).toFixed(0)} MB) from ${FILES} live log files in ${(pruneMs / 1000).toFixed(2)} s (${Math.round(removed / (pruneMs / 1000))} lines/s); ${left} bytes of fresh lines left per file`,
  );

  // Part 2: former members with a fee and three payments each.
  const csv = [
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on',
  ];
  for (let i = 1; i <= MEMBERS; i++)
    csv.push(
      `${i},Former,Member${i},1980-01-01,Weg ${i},49074,Osnabrück,f${i}@example.org,+49 541 ${100000 + i},,2020-01-01,2025-12-31`,
    );
  await importMembers(runtime, CLI_ACTOR, `${csv.join('\n')}\n`, { dryRun: false });
  const members = await runtime.db.selectFrom('members').select('id').execute();
  const now = clock.now().toISOString();
  await runtime.db.transaction().execute(async (trx) => {
    for (let start = 0; start < members.length; start += 300) {
      const chunk = members.slice(start, start + 300);
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
  started = performance.now();
  const exit = await runRetention(runtime, { dryRun: false, root: dir });
  const exitMs = performance.now() - started;
  const exitRemoved = exit
    .filter((o) => o.job === 'membership.1' || o.job === 'membership.2')
    .map((o) => `${o.job} ${o.removed}`)
    .join(', ');
  console.log(
    `exit stages for ${MEMBERS} former members (contact data, email, restriction): ${(exitMs / 1000).toFixed(2)} s (${exitRemoved})`,
  );
  clock.set('2034-01-01T12:00:00Z');
  started = performance.now();
  const final = await runRetention(runtime, { dryRun: false, root: dir });
  const finalMs = performance.now() - started;
  const left2 = await runtime.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const linked = await runtime.db
    .selectFrom('bookings')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('member_id', 'is not', null)
    .executeTakeFirstOrThrow();
  console.log(
    `final stage 8 years after the exit year: ${(finalMs / 1000).toFixed(2)} s (${final.find((o) => o.job === 'membership.3')?.removed ?? 0} erased, audit of ${final.find((o) => o.job === 'membership.4')?.removed ?? 0} anonymised; ${String(left2.n)} members and ${String(linked.n)} linked bookings left)`,
  );
  await runtime.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
