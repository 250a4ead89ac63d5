import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileErasureJournal, journalPathIn } from './erasure-journal.ts';
import { AppError } from './errors.ts';

describe('erasure journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('appends numbered entries with ids only, in a 0600 file whatever the umask', async () => {
    const journal = fileErasureJournal(journalPathIn(join(dir, 'data')));
    const previous = process.umask(0o000);
    try {
      await journal.record(new Date('2026-03-01T10:00:00Z'), {
        kind: 'members.fields',
        id: 'm1',
        fields: ['street', 'email'],
      });
      await journal.record(new Date('2026-03-01T10:01:00Z'), {
        kind: 'accounts.account',
        id: 'a1',
      });
    } finally {
      process.umask(previous);
    }
    assert.equal((await stat(journal.path)).mode & 0o777, 0o600);
    assert.deepEqual(await journal.read(), [
      {
        seq: 1,
        at: '2026-03-01T10:00:00.000Z',
        kind: 'members.fields',
        id: 'm1',
        fields: ['street', 'email'],
      },
      { seq: 2, at: '2026-03-01T10:01:00.000Z', kind: 'accounts.account', id: 'a1' },
    ]);
    assert.equal(await journal.lastSeq(), 2);
  });

  test('a torn last line (a crash during an append) is skipped and cut off by the next append', async () => {
    const journal = fileErasureJournal(join(dir, 'journal.jsonl'));
    await journal.record(new Date('2026-03-01T10:00:00Z'), { kind: 'keys.key', id: 'k1' });
    await appendFile(journal.path, '{"seq":2,"at":"2026-03-01T1');
    assert.deepEqual(
      (await journal.read()).map((entry) => entry.id),
      ['k1'],
    );
    await journal.record(new Date('2026-03-01T10:02:00Z'), { kind: 'keys.key', id: 'k2' });
    assert.deepEqual(
      (await journal.read()).map((entry) => [entry.seq, entry.id]),
      [
        [1, 'k1'],
        [2, 'k2'],
      ],
    );
    assert.equal((await readFile(journal.path, 'utf8')).split('\n').length, 3);
  });

  test('a batch of erasures is appended as consecutive entries after the last one', async () => {
    const journal = fileErasureJournal(join(dir, 'journal.jsonl'));
    await journal.record(new Date('2026-03-01T10:00:00Z'), { kind: 'keys.key', id: 'k1' });
    await journal.recordAll(new Date('2026-03-02T10:00:00Z'), [
      { kind: 'members.fields', id: 'm1', fields: ['email'] },
      { kind: 'members.fields', id: 'm2', fields: ['email'] },
      { kind: 'members.final', id: 'm3' },
    ]);
    await journal.recordAll(new Date('2026-03-03T10:00:00Z'), []);
    assert.deepEqual(
      (await journal.read()).map((entry) => [entry.seq, entry.kind, entry.id, entry.at]),
      [
        [1, 'keys.key', 'k1', '2026-03-01T10:00:00.000Z'],
        [2, 'members.fields', 'm1', '2026-03-02T10:00:00.000Z'],
        [3, 'members.fields', 'm2', '2026-03-02T10:00:00.000Z'],
        [4, 'members.final', 'm3', '2026-03-02T10:00:00.000Z'],
      ],
    );
    assert.equal(await journal.lastSeq(), 4);
  });

  test('refuses a journal with an unreadable entry, naming its line', async () => {
    const journal = fileErasureJournal(join(dir, 'journal.jsonl'));
    await writeFile(
      journal.path,
      '{"seq":1,"at":"2026-03-01T10:00:00.000Z","kind":"keys.key","id":"k1"}\n{"seq":2,"name":"Ada"}\n',
    );
    await assert.rejects(journal.read(), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'erasure_journal_corrupt');
      assert.match(error.message, /line 2/);
      return true;
    });
  });

  test('a missing journal is empty', async () => {
    const journal = fileErasureJournal(join(dir, 'none.jsonl'));
    assert.deepEqual(await journal.read(), []);
    assert.equal(await journal.lastSeq(), 0);
  });
});
