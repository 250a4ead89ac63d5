import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig, type Config } from '../core/config/load.ts';
import { runDoctor, type Finding } from './doctor.ts';
import { SANDBOX_PROMISE, UNIT_CHECKS } from './doctor.units.ts';
import { renderAll, writeRendered } from './render.ts';

let root: string;
let config: Config;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'treff-units-doctor-'));
  config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
  await writeRendered(root, renderAll(config), { force: true });
});
after(() => rm(root, { recursive: true, force: true }));

const unit = (name: string) => join(root, 'etc/systemd/system', name);
const errors = async (): Promise<Finding[]> =>
  (await runDoctor(config, UNIT_CHECKS, { root })).findings.filter(
    (finding) => finding.severity === 'error',
  );

test('finds the rendered units sandboxed: every setting checked, none red', async () => {
  const report = await runDoctor(config, UNIT_CHECKS, { root });
  assert.deepEqual(await errors(), []);
  const checked = report.findings.map((finding) => finding.setting);
  assert.ok(checked.includes('treff.service User'));
  assert.ok(checked.includes('treff-sync.service CapabilityBoundingSet'));
  assert.ok(checked.includes('treff-apply.service ProtectSystem'));
});

test('reports a web server that runs as root or without ProtectSystem', async () => {
  const original = await readFile(unit('treff.service'), 'utf8');
  try {
    await writeFile(
      unit('treff.service'),
      original.replace('User=treff\n', 'User=root\n').replace('ProtectSystem=strict\n', ''),
    );
    const found = await errors();
    const user = found.find((finding) => finding.setting === 'treff.service User');
    assert.equal(user?.actual, 'root');
    assert.equal(user.promise, SANDBOX_PROMISE);
    assert.equal(user.file, '/etc/systemd/system/treff.service');
    assert.equal(
      found.find((finding) => finding.setting === 'treff.service ProtectSystem')?.actual,
      'unset',
    );
  } finally {
    await writeFile(unit('treff.service'), original);
  }
});

test('reports a drop-in that widens a root unit, naming the drop-in', async () => {
  const dir = unit('treff-sync.service.d');
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(
      join(dir, 'override.conf'),
      '[Service]\nCapabilityBoundingSet=~\nNoNewPrivileges=no\n',
    );
    const found = await errors();
    assert.deepEqual(
      found.map((finding) => [finding.setting, finding.file, finding.actual]),
      [
        [
          'treff-sync.service NoNewPrivileges',
          '/etc/systemd/system/treff-sync.service.d/override.conf',
          'no',
        ],
        [
          'treff-sync.service CapabilityBoundingSet',
          '/etc/systemd/system/treff-sync.service.d/override.conf',
          '~',
        ],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('says nothing about a tree without treff’s units', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'treff-units-doctor-empty-'));
  try {
    assert.deepEqual((await runDoctor(config, UNIT_CHECKS, { root: empty })).findings, []);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
