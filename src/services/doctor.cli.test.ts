import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { lastlogRecords, lastlogRecord, LASTLOG_SIZE } from './shell/utmp.parse.ts';

const DEBIAN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'debian-defaults');

const run = (...args: string[]) => runTreff(args);

describe('treff doctor and treff services scrub-lastlog', () => {
  let dir: string;
  let config: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-doctor-cli-'));
    config = join(dir, 'treff.yaml');
    // The example, plus what Postfix always logs (see the report of issue #6).
    const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
      'data: [ip, time, username, remoteServer]',
      'data: [ip, time, username, remoteServer, mailAddresses]',
    );
    await writeFile(config, yaml);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('doctor --root on the Debian defaults prints one line per broken setting and exits 1', async () => {
    const result = await run('doctor', '--config', config, '--root', DEBIAN);
    assert.equal(result.code, 1);
    const lines = result.out.trim().split('\n');
    assert.ok(
      lines.includes(
        '✗ logs 10 days: /etc/systemd/journald.conf.d/treff.conf: MaxRetentionSec is unset (default: kept until a size limit) (expected at most 10day); fix: treff services render --out / --force, then reload the daemon',
      ),
    );
    assert.ok(lines.every((line) => /^[✗!–] /.test(line) || line.startsWith('doctor: ')));
    assert.match(lines.at(-1) ?? '', /^doctor: 13 promises broken \(\d+ findings\), \d+ warnings/);
    assert.match(result.err, /broken: logs 10 days; /);
  });

  test('doctor --root on a freshly rendered tree finds nothing broken and exits 0', async () => {
    const out = join(dir, 'rendered');
    const rendered = await run('services', 'render', '--config', config, '--out', out);
    assert.equal(rendered.code, 0, rendered.err);
    const result = await run('doctor', '--config', config, '--root', out, '--all');
    assert.equal(result.code, 0, result.out);
    assert.match(
      result.out,
      /^✓ logs 10 days: \/etc\/systemd\/journald\.conf\.d\/treff\.conf: MaxRetentionSec is 10day/m,
    );
    assert.match(result.out, /doctor: 0 promises broken \(0 findings\)/);
  });

  test('scrub-lastlog clears the records older than the log bound and keeps the rest', async () => {
    const root = join(dir, 'scrub');
    await mkdir(join(root, 'var/log'), { recursive: true });
    const now = Math.floor(Date.now() / 1000);
    const data = Buffer.alloc(20_003 * LASTLOG_SIZE);
    Buffer.from(lastlogRecord(now - 11 * 86_400, 'pts/0', '192.0.2.1')).copy(
      data,
      20_000 * LASTLOG_SIZE,
    );
    Buffer.from(lastlogRecord(now - 3 * 86_400, 'pts/1', '192.0.2.2')).copy(
      data,
      20_002 * LASTLOG_SIZE,
    );
    await writeFile(join(root, 'var/log/lastlog'), data);
    const first = await run('services', 'scrub-lastlog', '--config', config, '--root', root);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /cleared 1 records/);
    const left = lastlogRecords(await readFile(join(root, 'var/log/lastlog')));
    assert.deepEqual(
      left.map((record) => record.uid),
      [20_002],
    );
    const again = await run('services', 'scrub-lastlog', '--config', config, '--root', root);
    assert.match(again.out, /cleared 0 records/);
  });
});

test('the WKD export findings name missing, stale and extra files, and are ok when in step', async () => {
  const { wkdExportFindings } = await import('./doctor.cli.ts');
  const base = { dir: '/var/lib/treff-wkd', present: true, modes: [] };
  const inStep = wkdExportFindings({ ...base, missing: [], stale: [], extra: [] });
  assert.deepEqual(
    inStep.map((finding) => finding.severity),
    ['ok', 'ok'],
  );
  const [files, modes] = wkdExportFindings({
    ...base,
    missing: ['.well-known/openpgpkey/hu/a'],
    stale: ['.well-known/openpgpkey/policy'],
    extra: ['.well-known/openpgpkey/hu/b'],
    modes: ['/var/lib (mode 700: nginx cannot enter it)'],
  });
  assert.equal(files?.severity, 'error');
  assert.equal(
    files?.actual,
    'missing: .well-known/openpgpkey/hu/a; stale: .well-known/openpgpkey/policy; extra: .well-known/openpgpkey/hu/b',
  );
  assert.equal(modes?.severity, 'error');
  assert.match(modes?.actual ?? '', /nginx cannot enter/);
});
