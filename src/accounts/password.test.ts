import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireTool } from '../../test/support/integration.ts';
import { ValidationError } from '../core/errors.ts';
import { checkAccountPassword, yescryptHasher } from './password.ts';

const exec = promisify(execFile);
const hasher = yescryptHasher(4);

test('hashes with yescrypt and verifies only the right password', async () => {
  const hash = await hasher.hash('correct horse battery');
  assert.match(hash, /^\$y\$j8T\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{43}$/);
  assert.equal(await hasher.verify(hash, 'correct horse battery'), true);
  assert.equal(await hasher.verify(hash, 'correct horse batterY'), false);
  assert.equal(await hasher.verify('*', 'correct horse battery'), false);
  assert.notEqual(await hasher.hash('correct horse battery'), hash, 'every hash has its own salt');
});

test('flags hashes of another method or cost for an upgrade', async () => {
  const cheap = await yescryptHasher(4).hash('correct horse battery');
  assert.equal(yescryptHasher(4).needsRehash(cheap), false);
  assert.equal(yescryptHasher(6).needsRehash(cheap), true);
  assert.equal(
    yescryptHasher(6).needsRehash('$2b$12$abcdefghijklmnopqrstuuO7GZQ6dI0yQx8mYQfWqHNRzHj0Uq1Ri'),
    true,
  );
});

const mkpasswd = requireTool('/usr/bin/mkpasswd', 'mkpasswd (Debian package "whois")');
test(
  'verifies hashes made by the system tool mkpasswd (yescrypt and bcrypt)',
  { skip: mkpasswd },
  async () => {
    for (const method of ['yescrypt', 'bcrypt']) {
      const { stdout } = await exec('/usr/bin/mkpasswd', ['-m', method, 'correct horse battery']);
      const hash = stdout.trim();
      assert.equal(await hasher.verify(hash, 'correct horse battery'), true, method);
      assert.equal(await hasher.verify(hash, 'wrong horse battery'), false, method);
    }
  },
);

const doveadm = requireTool('/usr/bin/doveadm', 'Dovecot (Debian package "dovecot-core")');
test('Dovecot verifies the hashes treff makes', { skip: doveadm }, async () => {
  const hash = await yescryptHasher(6).hash('correct horse battery');
  const good = await exec('/usr/bin/doveadm', [
    'pw',
    '-t',
    `{CRYPT}${hash}`,
    '-p',
    'correct horse battery',
  ]);
  assert.match(good.stdout, /\(verified\)/);
  await assert.rejects(
    exec('/usr/bin/doveadm', ['pw', '-t', `{CRYPT}${hash}`, '-p', 'wrong password!']),
  );
});

test('refuses passwords the services would not all accept alike', () => {
  const refused = (password: string) => {
    assert.throws(
      () => {
        checkAccountPassword(password, 'alice');
      },
      (error: unknown) => error instanceof ValidationError && error.code === 'password_invalid',
      password,
    );
  };
  refused('too short');
  refused('ligature ﬁ password');
  refused('no-break\u00a0space password');
  refused('tab\tin the middle');
  refused('alice-likes-long-passwords');
  refused('x'.repeat(257));
  checkAccountPassword('correct horse battery', 'alice');
  checkAccountPassword('Ümlaute sind in Ordnung', 'alice');
});
