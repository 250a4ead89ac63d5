import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweepDirectory } from './directory.ts';

test('deletes files older than their time to live, keeps younger ones, removes emptied folders', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'treff-uploads-'));
  try {
    const now = Date.parse('2026-03-02T12:00:00Z');
    const files: [string, number][] = [
      ['a/old.png', now - 25 * 3_600_000],
      ['a/b/older.txt', now - 48 * 3_600_000],
      ['c/young.png', now - 23 * 3_600_000],
      ['top.bin', now - 24 * 3_600_000 + 1000],
    ];
    for (const [path, time] of files) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), 'data');
      await utimes(join(dir, path), new Date(time), new Date(time));
    }
    const cutoff = now - 24 * 3_600_000;
    assert.deepEqual(await sweepDirectory(dir, cutoff, { dryRun: true }), {
      filesDeleted: 2,
      oldestKept: now - 24 * 3_600_000 + 1000,
      filesKept: 2,
    });
    assert.equal((await readdir(join(dir, 'a'))).length, 2, 'a dry run deletes nothing');
    const sweep = await sweepDirectory(dir, cutoff, { dryRun: false });
    assert.equal(sweep.filesDeleted, 2);
    assert.deepEqual((await readdir(dir)).sort(), ['c', 'top.bin']);
    assert.equal((await sweepDirectory(dir, cutoff, { dryRun: false })).filesDeleted, 0);
    assert.deepEqual(await sweepDirectory(join(dir, 'missing'), cutoff, { dryRun: false }), {
      filesDeleted: 0,
      oldestKept: null,
      filesKept: 0,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
