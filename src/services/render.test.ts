import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig } from '../core/config/load.ts';
import { ConflictError } from '../core/errors.ts';
import { luaString, dovecotString, bareToken } from './quoting.ts';
import { defaultInstall } from './accounts.render.ts';
import { detectDovecot, type DovecotVersion } from './mail/mail.version.ts';
import { renderAll, writeRendered, type RenderedFile } from './render.ts';

const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const FIXTURES = join(FIXTURE_ROOT, 'chaostreff');
/** The Dovecot 2.4 files (Debian 13); everything else is the same as under chaostreff/. */
const FIXTURES_DOVECOT_24 = join(FIXTURE_ROOT, 'chaostreff-dovecot-2.4');

async function exampleFiles(dovecot: DovecotVersion = '2.3') {
  // Rendered as if the declaration lived at /etc/treff/treff.yaml, so the expected files do not
  // depend on where the repository is checked out.
  const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
  return renderAll(config, { ...defaultInstall(config), dovecot });
}

test('every rendered file equals its committed expected file', async () => {
  await compareFixtures(await exampleFiles('2.3'), FIXTURES);
});

test('the Dovecot 2.4 files equal their committed expected files, the rest is unchanged', async () => {
  const v23 = await exampleFiles('2.3');
  const v24 = await exampleFiles('2.4');
  assert.deepEqual(
    v24.map((file) => file.path),
    v23.map((file) => file.path),
  );
  const changed = v24.filter((file, i) => file.content !== v23[i]?.content);
  assert.deepEqual(changed.map((file) => file.path).sort(), [
    'etc/dovecot/conf.d/10-auth.conf',
    'etc/dovecot/conf.d/99-treff-logging.conf',
    'etc/dovecot/conf.d/99-treff.conf',
    'etc/dovecot/conf.d/auth-treff.conf.ext',
  ]);
  await compareFixtures(changed, FIXTURES_DOVECOT_24);
});

test('chooses the Dovecot syntax: declared, installed, Debian release, else 2.4', async () => {
  const files = (entries: Record<string, string>) => (path: string) =>
    Promise.resolve(entries[path] ?? null);
  const status = (version: string, state = 'install ok installed') =>
    `Package: dovecot-core\nStatus: ${state}\nVersion: ${version}\n`;
  const dpkg = '/var/lib/dpkg/status';
  assert.equal(await detectDovecot(undefined, files({})), '2.4');
  assert.equal(await detectDovecot(undefined, files({ '/etc/debian_version': '12.8\n' })), '2.3');
  assert.equal(await detectDovecot(undefined, files({ '/etc/debian_version': '13.1\n' })), '2.4');
  assert.equal(
    await detectDovecot(undefined, files({ [dpkg]: status('2:2.3.19.1+dfsg1-2.1') })),
    '2.3',
  );
  assert.equal(
    await detectDovecot(undefined, files({ [dpkg]: status('1:2.4.1+dfsg1-6+deb13u7') })),
    '2.4',
  );
  // A removed package leaves its block; the release decides then.
  assert.equal(
    await detectDovecot(
      undefined,
      files({
        [dpkg]: status('1:2.4.1', 'deinstall ok config-files'),
        '/etc/debian_version': '12.8',
      }),
    ),
    '2.3',
  );
  assert.equal(await detectDovecot('2.3', files({ [dpkg]: status('1:2.4.1') })), '2.3');
});

async function compareFixtures(files: readonly RenderedFile[], dir: string): Promise<void> {
  for (const file of files) {
    const expected = join(dir, file.path);
    if (process.env['UPDATE_FIXTURES'] === '1') {
      await mkdir(dirname(expected), { recursive: true });
      await writeFile(expected, file.content);
    }
    assert.equal(file.content, await readFile(expected, 'utf8'), file.path);
  }
}

test('never overwrites a file it did not write, unless forced', async () => {
  const out = await mkdtemp(join(tmpdir(), 'treff-render-'));
  try {
    const files = await exampleFiles();
    await mkdir(join(out, 'etc/ssh/sshd_config.d'), { recursive: true });
    await writeFile(join(out, 'etc/ssh/sshd_config.d/treff.conf'), 'PermitRootLogin yes\n');
    await assert.rejects(writeRendered(out, files, { force: false }), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.deepEqual(error.issues, [
        { path: 'etc/ssh/sshd_config.d/treff.conf', message: 'not written by treff' },
      ]);
      return true;
    });
    await assert.rejects(
      readFile(join(out, 'etc/nsswitch.conf')),
      'nothing is written when one file is refused',
    );
    await writeRendered(out, files, { force: true });
    assert.match(
      await readFile(join(out, 'etc/ssh/sshd_config.d/treff.conf'), 'utf8'),
      /AllowGroups treff-shell sudo/,
    );
    // Its own files it rewrites without --force.
    assert.equal((await writeRendered(out, files, { force: false })).length, files.length);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('quotes values for each format and refuses what cannot be quoted', () => {
  assert.equal(luaString('a"b\\c\n'), '"a\\"b\\\\c\\10"');
  assert.equal(dovecotString('x"y'), '"x\\"y"');
  assert.throws(() => dovecotString('x\ny'));
  assert.equal(bareToken('/etc/treff/treff.yaml'), '/etc/treff/treff.yaml');
  assert.throws(() => bareToken('/tmp/a b'));
  assert.throws(() => bareToken('x;rm -rf /'));
});
