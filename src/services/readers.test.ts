import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  parseProperties,
  parsePostfixMain,
  parseTimeSpan,
  parseTurnserver,
  readSshd,
} from './readers.ts';
import { tempRoot } from '../../test/support/rootfs.ts';

describe('the doctor’s readers', () => {
  const { root, fs, put } = tempRoot();

  test('resolve absolute symlinks inside the root, as on the server', async () => {
    await put('etc/real/file.conf', 'inside');
    await mkdir(join(root, 'etc/links'), { recursive: true });
    await symlink('/etc/real/file.conf', join(root, 'etc/links/absolute.conf'));
    await symlink('../real/file.conf', join(root, 'etc/links/relative.conf'));
    assert.equal(await fs.read('/etc/links/absolute.conf'), 'inside');
    assert.equal(await fs.read('/etc/links/relative.conf'), 'inside');
    assert.deepEqual(await fs.glob('/etc/links/*.conf'), [
      '/etc/links/absolute.conf',
      '/etc/links/relative.conf',
    ]);
    assert.equal(await fs.read('/etc/missing'), null);
  });

  test('read sshd with the first value winning and includes first', async () => {
    await put('etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nLogLevel DEBUG3\n');
    await put('etc/ssh/sshd_config.d/a.conf', 'loglevel INFO\n');
    const values = await readSshd(fs, '/etc/ssh/sshd_config');
    assert.deepEqual(values.get('loglevel'), {
      value: 'INFO',
      file: '/etc/ssh/sshd_config.d/a.conf',
    });
  });

  test('read time spans, Postfix, coturn and Java properties', () => {
    assert.equal(parseTimeSpan('10day'), 864_000);
    assert.equal(parseTimeSpan('1d 12h'), 129_600);
    assert.equal(parseTimeSpan('864000'), 864_000);
    assert.equal(parseTimeSpan('1month'), 2_629_800);
    assert.equal(parseTimeSpan('soon'), null);
    const main = parsePostfixMain('a = 1\n# c\nb = x,\n  y\na = 2\n');
    assert.equal(main.get('a'), '2');
    assert.equal(main.get('b'), 'x, y');
    const turn = parseTurnserver('syslog\n--log-file=/dev/null\nlistening-port 3478\n');
    assert.deepEqual([...turn.keys()], ['syslog', 'log-file', 'listening-port']);
    assert.deepEqual(turn.get('listening-port'), ['3478']);
    const props = parseProperties('.level=INFO\na.b : c \\\n d\n! c\n');
    assert.equal(props.get('.level'), 'INFO');
    assert.equal(props.get('a.b'), 'c d');
  });
});
