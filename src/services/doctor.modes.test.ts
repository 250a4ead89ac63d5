import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig, type Config } from '../core/config/load.ts';
import { diagnose } from './doctor.checks.ts';
import { formatFinding } from './doctor.ts';
import { PRIVATE_FILES_PROMISE } from './doctor.modes.ts';

describe('treff doctor: modes of treff data', () => {
  let root: string;
  let config: Config;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'treff-doctor-modes-'));
    // The example declaration at /etc/treff/treff.yaml: its data dir is /etc/treff/data.
    config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
    const data = join(root, 'etc/treff/data');
    await mkdir(join(data, 'outbox'), { recursive: true });
    await mkdir(join(data, 'quarantine'), { mode: 0o700 });
    await chmod(data, 0o700);
    await chmod(join(data, 'outbox'), 0o755);
    for (const [name, mode] of [
      ['treff.db', 0o644],
      ['treff.db-wal', 0o600],
      ['secret.key', 0o600],
      ['outbox/20261127T120000Z-abcd.eml', 0o640],
      ['quarantine/x.json', 0o644],
    ] as const) {
      await writeFile(join(data, name), 'x');
      await chmod(join(data, name), mode);
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('reports a database, an outbox and a mail that others can read, naming path and mode', async () => {
    const report = await diagnose(config, {
      root,
      run: () => Promise.resolve({ ok: false, stdout: '' }),
    });
    const mine = report.findings.filter((finding) => finding.promise === PRIVATE_FILES_PROMISE);
    const errors = mine.filter((finding) => finding.severity === 'error').map(formatFinding);
    assert.deepEqual(errors, [
      `✗ ${PRIVATE_FILES_PROMISE}: /etc/treff/data/outbox: mode is 0755 (group or others may access it) (expected 0700 or stricter (owner only)); fix: chmod 700 /etc/treff/data/outbox`,
      `✗ ${PRIVATE_FILES_PROMISE}: /etc/treff/data/treff.db: mode is 0644 (group or others may access it) (expected 0600 or stricter (owner only)); fix: chmod 600 /etc/treff/data/treff.db`,
      `✗ ${PRIVATE_FILES_PROMISE}: /etc/treff/data/outbox/20261127T120000Z-abcd.eml: mode is 0640 (group or others may access it) (expected 0600 or stricter (owner only)); fix: chmod 600 /etc/treff/data/outbox/20261127T120000Z-abcd.eml`,
      `✗ ${PRIVATE_FILES_PROMISE}: /etc/treff/data/quarantine/x.json: mode is 0644 (group or others may access it) (expected 0600 or stricter (owner only)); fix: chmod 600 /etc/treff/data/quarantine/x.json`,
    ]);
    const ok = mine.filter((finding) => finding.severity === 'ok').map((finding) => finding.file);
    assert.deepEqual(ok.sort(), [
      '/etc/treff/data',
      '/etc/treff/data/quarantine',
      '/etc/treff/data/secret.key',
      '/etc/treff/data/treff.db-wal',
    ]);
  });
});

test('reports request mails that others can read', async () => {
  const root = await mkdtemp(join(tmpdir(), 'treff-doctor-modes-'));
  try {
    const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
    const mails = join(root, 'etc/treff/data/requests/mail');
    await mkdir(mails, { recursive: true, mode: 0o700 });
    await chmod(join(root, 'etc/treff/data'), 0o700);
    await chmod(join(root, 'etc/treff/data/requests'), 0o755);
    await writeFile(join(mails, 'a.eml'), 'x');
    await chmod(join(mails, 'a.eml'), 0o644);
    const report = await diagnose(config, {
      root,
      run: () => Promise.resolve({ ok: false, stdout: '' }),
    });
    const errors = report.findings
      .filter(
        (finding) => finding.promise === PRIVATE_FILES_PROMISE && finding.severity === 'error',
      )
      .map((finding) => finding.file);
    assert.deepEqual(errors, ['/etc/treff/data/requests', '/etc/treff/data/requests/mail/a.eml']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
