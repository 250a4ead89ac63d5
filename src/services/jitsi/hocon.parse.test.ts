import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readHocon } from './hocon.parse.ts';
import { tempRoot } from '../../../test/support/rootfs.ts';

describe('the doctor’s readers', () => {
  const { fs, put } = tempRoot();

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
