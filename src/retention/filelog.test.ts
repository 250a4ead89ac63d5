import assert from 'node:assert/strict';
import {
  appendFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { lineTime, pruneLines, sweepLog } from './filelog.ts';

const NOW = new Date('2026-03-20T12:00:00Z');
const CUTOFF = Date.parse('2026-03-10T12:00:00Z');

function nginxLine(iso: string, page: string): string {
  return `127.0.0.1 ${iso} Linux Firefox - ${page}\n`;
}

describe('log files under a retention period', () => {
  let dir: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-logs-'));
    log = join(dir, 'access.log');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('reads the time stamps of the usual log formats', () => {
    assert.equal(
      lineTime('2026-03-10T12:00:00+01:00 host sshd[1]: x', NOW),
      Date.parse('2026-03-10T11:00:00Z'),
    );
    assert.equal(
      lineTime('1.2.3.4 - - [10/Mar/2026:12:00:00 +0000] "GET / HTTP/1.1"', NOW),
      Date.parse('2026-03-10T12:00:00Z'),
    );
    assert.equal(
      lineTime('Mar 10 12:00:00 host dovecot: login', NOW),
      Date.parse('2026-03-10T12:00:00Z'),
    );
    // A syslog date without a year later in the year than now belongs to last year.
    assert.equal(lineTime('Dec 31 23:00:00 host x', NOW), Date.parse('2025-12-31T23:00:00Z'));
    assert.equal(lineTime('no time here', NOW), null);
  });

  test('removes old lines from a live log and nothing younger, twice in a row the same', async () => {
    const old = ['2026-03-01T10:00:00Z', '2026-03-05T10:00:00Z', '2026-03-10T12:00:00Z'].map(
      (t, i) => nginxLine(t, `/old${i}`),
    );
    const young = ['2026-03-10T12:00:01Z', '2026-03-19T10:00:00Z'].map((t, i) =>
      nginxLine(t, `/new${i}`),
    );
    // The cutoff instant itself is still young enough.
    await writeFile(
      log,
      [...old.slice(0, 2), ...old.slice(2), ...young, 'partial line being written'].join(''),
    );
    const first = await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(first.linesRemoved, 2);
    assert.equal(
      await readFile(log, 'utf8'),
      [old[2], ...young, 'partial line being written'].join(''),
    );
    assert.equal(first.oldestKept, Date.parse('2026-03-10T12:00:00Z'));
    const second = await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(second.linesRemoved, 0);
  });

  test('keeps the lines of a multi-line entry with their time stamp and unknown leading lines', async () => {
    await writeFile(
      log,
      'header without time\n2026-03-01T00:00:00Z old\n  continuation of old\n2026-03-15T00:00:00Z new\n',
    );
    const result = await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(
      result.linesRemoved,
      0,
      'a file starting with a line of unknown age is left alone',
    );
    await writeFile(
      log,
      '2026-03-01T00:00:00Z old\n  continuation of old\n2026-03-15T00:00:00Z new\n  continuation of new\n',
    );
    await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(await readFile(log, 'utf8'), '2026-03-15T00:00:00Z new\n  continuation of new\n');
  });

  test('cuts where reading every line with lineTime would, whatever the stamps look like', async () => {
    // The reference: the rule of pruneLines, one lineTime per line.
    const reference = (text: string) => {
      let cut = 0;
      let removed = 0;
      let position = 0;
      for (;;) {
        const end = text.indexOf('\n', position);
        if (end === -1) break;
        const time = lineTime(text.slice(position, end), NOW);
        if (time !== null && time >= CUTOFF) break;
        if (time === null && removed === 0) break;
        removed++;
        cut = end + 1;
        position = end + 1;
      }
      return { removed, kept: text.slice(cut) };
    };
    const second = fc.integer({ min: -3, max: 3 }).map((delta) => CUTOFF / 1000 + delta);
    const instant = fc.oneof(
      second,
      fc.integer({ min: CUTOFF / 1000 - 9e5, max: CUTOFF / 1000 + 9e5 }),
    );
    const stamp = fc
      .tuple(
        instant,
        fc.constantFrom('Z', '', '+00:00', '+01:00', '-0230', '+0100', '+1', '-'),
        fc.constantFrom('T', ' '),
        fc.constantFrom('', '.5', '.123456'),
      )
      .map(([at, zone, separator, fraction]) => {
        const offset = /^[+-]\d{2}:?\d{2}$/.test(zone)
          ? (zone.startsWith('-') ? -1 : 1) *
            (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
          : 0;
        const local = new Date(at * 1000 + offset * 60_000).toISOString().slice(0, 19);
        return `${local.replace('T', separator)}${fraction}${zone}`;
      });
    const line = fc
      .tuple(
        fc.constantFrom(
          '',
          '192.0.2.1 [',
          '2001:db8::1 ',
          'x-y ',
          'ä '.repeat(30),
          ' '.repeat(70),
          'a'.repeat(57),
          'b'.repeat(59),
        ),
        fc.oneof(stamp, fc.constantFrom('2026-13-01T00:00:00Z', '2026-03-10T25:00:00', 'no time')),
        fc.constantFrom('] "Linux" /page', '', ' GET - 2026-03-30T00:00:00Z'),
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), fc.boolean(), async (lines, sorted) => {
        const text = `${(sorted ? [...lines].sort() : lines).join('\n')}\npartial`;
        await writeFile(log, text);
        const want = reference(text);
        const result = await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
        assert.equal(result.linesRemoved, want.removed);
        assert.equal(await readFile(log, 'utf8'), want.removed > 0 ? want.kept : text);
      }),
      { numRuns: 300 },
    );
  });

  test('reads a log longer than one step, with a line longer than a step', async () => {
    const long = `2026-03-01T00:00:00Z ${'x'.repeat(3 << 20)}\n`;
    const old = Array.from({ length: 40_000 }, (_, i) =>
      nginxLine(new Date(CUTOFF - 1e9 + i * 1000).toISOString(), `/old/${i}`),
    ).join('');
    const young = nginxLine('2026-03-15T00:00:00Z', '/young');
    await writeFile(log, long + old + young);
    const result = await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(result.linesRemoved, 40_001);
    assert.equal(await readFile(log, 'utf8'), young);
  });

  test('a dry run counts and changes nothing', async () => {
    const content =
      nginxLine('2026-03-01T00:00:00Z', '/a') + nginxLine('2026-03-15T00:00:00Z', '/b');
    await writeFile(log, content);
    assert.equal((await pruneLines(log, CUTOFF, { dryRun: true, now: NOW })).linesRemoved, 1);
    assert.equal(await readFile(log, 'utf8'), content);
  });

  test('a crash before the rename leaves the log as it was, and the next run cleans up', async () => {
    const content =
      nginxLine('2026-03-01T00:00:00Z', '/a') + nginxLine('2026-03-15T00:00:00Z', '/b');
    await writeFile(log, content);
    await assert.rejects(
      pruneLines(log, CUTOFF, {
        dryRun: false,
        now: NOW,
        hooks: {
          beforeRename: () => {
            throw new Error('power cut');
          },
        },
      }),
      /power cut/,
    );
    assert.equal(await readFile(log, 'utf8'), content);
    await pruneLines(log, CUTOFF, { dryRun: false, now: NOW });
    assert.equal(await readFile(log, 'utf8'), nginxLine('2026-03-15T00:00:00Z', '/b'));
    assert.deepEqual((await readdir(dir)).sort(), ['access.log']);
  });

  test('loses no line that a writer appends while the log is pruned', async () => {
    await writeFile(
      log,
      nginxLine('2026-03-01T00:00:00Z', '/a') + nginxLine('2026-03-15T00:00:00Z', '/b'),
    );
    await pruneLines(log, CUTOFF, {
      dryRun: false,
      now: NOW,
      hooks: {
        // A writer holding the old file appends just before the new file takes its place.
        beforeRename: () => appendFile(log, nginxLine('2026-03-20T11:59:59Z', '/during')),
      },
    });
    assert.equal(
      await readFile(log, 'utf8'),
      nginxLine('2026-03-15T00:00:00Z', '/b') + nginxLine('2026-03-20T11:59:59Z', '/during'),
    );
  });

  test('deletes rotated files whose newest line is older than the period, and no younger one', async () => {
    await writeFile(log, nginxLine('2026-03-19T00:00:00Z', '/live'));
    for (const [name, day] of [
      ['access.log.1', '2026-03-19'],
      ['access.log.2.gz', '2026-03-11'],
      ['access.log.3.gz', '2026-03-09'],
      ['access.log-20260301', '2026-03-01'],
      ['other.log.1', '2026-01-01'],
    ] as const) {
      await writeFile(join(dir, name), 'x\n');
      const time = new Date(`${day}T12:00:00Z`);
      await utimes(join(dir, name), time, time);
    }
    const sweep = await sweepLog(log, CUTOFF, { pruneLive: false, dryRun: false, now: NOW });
    assert.equal(sweep.filesDeleted, 2);
    assert.deepEqual((await readdir(dir)).sort(), [
      'access.log',
      'access.log.1',
      'access.log.2.gz',
      'other.log.1',
    ]);
    assert.equal(sweep.oldestKept, Date.parse('2026-03-11T12:00:00Z'));
    assert.equal(
      (await sweepLog(log, CUTOFF, { pruneLive: false, dryRun: false, now: NOW })).filesDeleted,
      0,
    );
    assert.ok((await stat(log)).size > 0);
  });
});

test('counts the oldest line of a rotated live file among the kept items', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'treff-filelog-'));
  try {
    const path = join(dir, 'web');
    await writeFile(path, 'no time here\n2026-03-01T08:00:00Z GET /\n2026-03-10T08:00:00Z GET /\n');
    const sweep = await sweepLog(path, Date.parse('2026-03-05T00:00:00Z'), {
      pruneLive: false,
      dryRun: false,
      now: new Date('2026-03-12T00:00:00Z'),
    });
    // logrotate cuts the live file; the sweep leaves it whole but reports how old it is.
    assert.equal(sweep.oldestKept, Date.parse('2026-03-01T08:00:00Z'));
    assert.equal(sweep.filesKept, 1);
    assert.equal(sweep.linesRemoved, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
