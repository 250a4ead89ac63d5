import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readLogrotate, stanzaFor } from './logrotate.parse.ts';
import { tempRoot } from '../../../test/support/rootfs.ts';

describe('the doctor’s readers', () => {
  const { fs, put } = tempRoot();

  test('read logrotate: defaults where a stanza appears, size replaces the interval, first stanza wins', async () => {
    await put('etc/logrotate.conf', 'weekly\nrotate 4\ninclude /etc/logrotate.d\n');
    await put(
      'etc/logrotate.d/a',
      '/var/log/a.log {\n  daily\n  size 10M\n  postrotate\n    daily\n  endscript\n}\n',
    );
    await put('etc/logrotate.d/b', '/var/log/*.log {\n  maxage 3\n}\n');
    await put('etc/logrotate.d/c.dpkg-old', '/var/log/c.log {\n  daily\n}\n');
    const config = await readLogrotate(fs);
    const a = stanzaFor(config, '/var/log/a.log');
    assert.equal(a.stanza?.settings.size, '10M');
    assert.equal(a.stanza?.settings.rotate, 4);
    assert.equal(a.duplicates.length, 1);
    const c = stanzaFor(config, '/var/log/c.log');
    assert.equal(c.stanza?.file, '/etc/logrotate.d/b');
    assert.equal(c.stanza?.settings.interval, 'weekly');
    assert.equal(c.stanza?.settings.maxage, 3);
  });
});
