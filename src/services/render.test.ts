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
import { renderAll, writeRendered } from './render.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'chaostreff');

async function exampleFiles() {
  // Rendered as if the declaration lived at /etc/treff/treff.yaml, so the expected files do not
  // depend on where the repository is checked out.
  const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
  return renderAll(config);
}

test('every rendered file equals its committed expected file', async () => {
  for (const file of await exampleFiles()) {
    const expected = join(FIXTURES, file.path);
    if (process.env['UPDATE_FIXTURES'] === '1') {
      await mkdir(dirname(expected), { recursive: true });
      await writeFile(expected, file.content);
    }
    assert.equal(file.content, await readFile(expected, 'utf8'), file.path);
  }
});

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
