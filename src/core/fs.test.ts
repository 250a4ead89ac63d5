import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { makeDirs, writeFileAtomic } from './fs.ts';

/** The mode bits of `path`. */
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('folders made for a file, under the units’ umask 0077', () => {
  let dir: string;
  let umask: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-fs-'));
    umask = process.umask(0o077);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  test('a readable file gets folders the daemons can enter', async () => {
    const path = join(dir, 'etc/systemd/journald.conf.d/treff.conf');
    await writeFileAtomic(path, '[Journal]\n');
    assert.equal(await readFile(path, 'utf8'), '[Journal]\n');
    assert.equal(await modeOf(path), 0o644);
    for (const folder of ['etc', 'etc/systemd', 'etc/systemd/journald.conf.d'])
      assert.equal(await modeOf(join(dir, folder)), 0o755, folder);
  });

  test('a private file gets private folders', async () => {
    const path = join(dir, 'data/keys/secret');
    await writeFileAtomic(path, 'x', { mode: 0o600 });
    assert.equal(await modeOf(join(dir, 'data')), 0o700);
    assert.equal(await modeOf(join(dir, 'data/keys')), 0o700);
  });

  test('folders that exist keep their mode', async () => {
    await mkdir(join(dir, 'etc/dovecot'), { recursive: true });
    await chmod(join(dir, 'etc/dovecot'), 0o750);
    await makeDirs(join(dir, 'etc/dovecot/treff'), 0o755);
    assert.equal(await modeOf(join(dir, 'etc/dovecot')), 0o750);
    assert.equal(await modeOf(join(dir, 'etc/dovecot/treff')), 0o755);
    await makeDirs(join(dir, 'etc/dovecot/treff'), 0o700);
    assert.equal(await modeOf(join(dir, 'etc/dovecot/treff')), 0o755, 'an existing folder stays');
  });

  test("a group's folder under new parents: the parents let the group pass", async () => {
    await makeDirs(join(dir, 'root/etc/dovecot/treff'), 0o750);
    assert.equal(await modeOf(join(dir, 'root/etc/dovecot/treff')), 0o750);
    for (const folder of ['root', 'root/etc', 'root/etc/dovecot'])
      assert.equal(await modeOf(join(dir, folder)), 0o755, folder);
  });
});
