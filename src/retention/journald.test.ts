import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { journaldKeepsWithin, readJournaldConfig, systemdTimespan } from './journald.ts';

test('reads systemd time spans', () => {
  assert.equal(systemdTimespan('10day'), 10 * 86_400_000);
  assert.equal(systemdTimespan('1d 12h'), 36 * 3_600_000);
  assert.equal(systemdTimespan('864000'), 864_000_000);
  assert.equal(systemdTimespan('0'), null);
  assert.equal(systemdTimespan(null), null);
  assert.equal(systemdTimespan('ten days'), null);
});

test('takes the last setting of journald.conf and its drop-ins, /etc over /usr/lib', async () => {
  const root = await mkdtemp(join(tmpdir(), 'treff-journald-'));
  try {
    assert.deepEqual(await readJournaldConfig(root), { maxRetentionMs: null, maxFileMs: null });
    await mkdir(join(root, 'etc/systemd/journald.conf.d'), { recursive: true });
    await mkdir(join(root, 'usr/lib/systemd/journald.conf.d'), { recursive: true });
    await writeFile(
      join(root, 'etc/systemd/journald.conf'),
      '[Journal]\n#MaxRetentionSec=\nMaxRetentionSec=1month\n',
    );
    await writeFile(
      join(root, 'usr/lib/systemd/journald.conf.d/10-vendor.conf'),
      '[Journal]\nMaxRetentionSec=1y\n',
    );
    await writeFile(
      join(root, 'etc/systemd/journald.conf.d/50-treff.conf'),
      '[Journal]\nMaxRetentionSec=10day\nMaxFileSec=1day\n',
    );
    const config = await readJournaldConfig(root);
    assert.deepEqual(config, { maxRetentionMs: 10 * 86_400_000, maxFileMs: 86_400_000 });
    assert.equal(journaldKeepsWithin(config, 'P10D'), true);
    assert.equal(journaldKeepsWithin(config, 'P7D'), false);
    assert.equal(journaldKeepsWithin({ maxRetentionMs: null }, 'P10D'), false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
