import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { deadTuplesAfterVacuum, PG_URL, TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { importMembers, MEMBER_CSV_COLUMNS } from '../members/index.ts';
import { compileRetention } from './rules.ts';
import { runJob, runRetention, type JobOutcome } from './retention.service.ts';

// A name no other row holds, so finding its bytes anywhere means erased data survived.
const MARKER = 'Quarzmarkerin';

/** 2,000 members who left in 2016: by 2026 § 147 AO no longer keeps them (P8Y from year end). */
function formerMembersCsv(count: number): string {
  const rows = Array.from(
    { length: count },
    (_, index) => `${5000 + index},Erika${index},${MARKER},,,,,,,,2015-01-01,2016-06-30`,
  );
  return `${MEMBER_CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

async function fileHolds(path: string, text: string): Promise<boolean> {
  try {
    return (await readFile(path)).toString('latin1').toLowerCase().includes(text.toLowerCase());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`erasure residue (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    /** `treff retention run`, and the scheduler of `treff serve` (one job at a time). */
    const ways: [string, number, () => Promise<JobOutcome[]>][] = [
      ['treff retention run', 2000, () => runRetention(t.deps, { dryRun: false, root: t.dir })],
      [
        'the scheduler',
        300,
        async () => {
          const outcomes: JobOutcome[] = [];
          for (const job of compileRetention(t.deps.config).jobs)
            outcomes.push(await runJob(t.deps, job, { dryRun: false, root: t.dir }));
          return outcomes;
        },
      ],
    ];
    for (const [way, count, run] of ways) {
      test(`members erased by ${way} leave no trace in the database files or dead tuples`, async () => {
        const report = await importMembers(t.deps, CLI_ACTOR, formerMembersCsv(count), {
          dryRun: false,
        });
        assert.equal(report.count, count);
        const outcomes = await run();
        const final = outcomes.find((outcome) => outcome.removed === count);
        assert.ok(final, `a stage erased all ${count}: ${JSON.stringify(outcomes)}`);
        if (dialect === 'sqlite') {
          const file = join(t.dir, 'treff.db');
          assert.equal(await fileHolds(file, MARKER), false, 'treff.db holds an erased name');
          assert.equal(
            await fileHolds(`${file}-wal`, MARKER),
            false,
            'the WAL holds an erased name',
          );
          return;
        }
        // PostgreSQL: the heap must hold no dead tuple of the erased rows (pgstattuple reads the
        // relation pages), and the run itself vacuumed the table.
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          await client.query('create extension if not exists pgstattuple schema public');
          const relation = `${t.deps.pgSchema ?? 'public'}.members`;
          assert.equal(
            await deadTuplesAfterVacuum(client, relation),
            0,
            'dead tuples of erased members remain',
          );
          const stats = await client.query<{ vacuumed: Date | null }>(
            'select last_vacuum as vacuumed from pg_stat_user_tables where relid = $1::regclass',
            [relation],
          );
          assert.ok(stats.rows[0]?.vacuumed, 'the retention run did not vacuum the registry');
        } finally {
          await client.end();
        }
      });
    }
  });
}
