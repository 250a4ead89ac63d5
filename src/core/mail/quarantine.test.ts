import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { manualClock } from '../clock.ts';
import { listQuarantine, quarantineMail } from './quarantine.ts';

test('lists quarantined mail newest first, and a mail without its sidecar as reason unknown', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'treff-quarantine-')), 'quarantine');
  try {
    const clock = manualClock('2026-03-01T10:00:00.000Z');
    const first = await quarantineMail({ clock, dir }, Buffer.from('a'), {
      reason: 'broken_mime',
      recipient: 'key-submission@example.org',
    });
    clock.advance(1000);
    const second = await quarantineMail({ clock, dir }, Buffer.from('bb'), {
      reason: 'too_big',
      recipient: 'key-submission@example.org',
    });
    await unlink(join(dir, `${first.id}.json`));
    const entries = await listQuarantine(dir);
    assert.deepEqual(
      entries.map((entry) => [entry.id, entry.reason, entry.bytes]),
      [
        [second.id, 'too_big', 2],
        [first.id, 'unknown', 1],
      ],
    );
    assert.deepEqual(await listQuarantine(join(dir, 'absent')), []);
  } finally {
    await rm(dirname(dir), { recursive: true, force: true });
  }
});
