import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RootFs } from '../rootfs.ts';
import { readHocon } from './hocon.parse.ts';

describe('the doctor’s readers', () => {
  let root: string;
  let fs: RootFs;
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'treff-parse-'));
    fs = new RootFs(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('read HOCON with includes and dotted keys; the later value wins', async () => {
    await put(
      'etc/jvb/jvb.conf',
      'ice4j { harvest.mapping.stun.addresses = [ "a:1" ] } # c\n// c\nvideobridge.x = true\ninclude "more.conf"\n',
    );
    await put('etc/jvb/more.conf', 'ice4j.harvest.mapping.stun.addresses = ["b:2", "c:3"]\n');
    const config = await readHocon(fs, '/etc/jvb/jvb.conf');
    assert.deepEqual(config.values.get('ice4j.harvest.mapping.stun.addresses'), ['b:2', 'c:3']);
    assert.equal(config.values.get('videobridge.x'), true);
  });
});
