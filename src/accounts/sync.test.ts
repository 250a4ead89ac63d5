import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { requireTool } from '../../test/support/integration.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import {
  createAccount,
  deleteAccount,
  disableAccount,
  setAccountPassword,
  setSshKeys,
} from './accounts.service.ts';
import { prosodyEncode } from './projections.ts';
import { runSync, xmppAuthSecret } from './sync.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9tT0NHIGF1dGggdGVzdCBrZXk laptop';
const root = process.getuid?.() === 0;
const postmap = requireTool(
  '/usr/sbin/postmap',
  'Postfix (Debian packages "postfix" and "postfix-lmdb")',
);
const exec = promisify(execFile);
/** The gid of a group on this host. */
const groupId = (name: string) =>
  Number(
    readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`${name}:`))
      ?.split(':')[2],
  );

for (const dialect of TEST_DIALECTS) {
  describe(`treff sync (${dialect})`, () => {
    let t: TestApp;
    let dir: string;
    const read = (path: string) => readFile(join(dir, path), 'utf8');
    beforeEach(async () => {
      t = await createTestApp(dialect);
      dir = await mkdtemp(join(tmpdir(), 'treff-root-'));
      const ada = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          firstName: 'Ada, Countess',
          lastName: 'Lovelace:x',
          email: 'ada@example.org',
        }),
      );
      const alan = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '43',
          firstName: 'Alan',
          lastName: 'Turing',
          email: 'alan@example.org',
        }),
      );
      const adaAccount = (
        await createAccount(t.deps, CLI_ACTOR, ada.id, 'ada', {
          shell: true,
          mail: true,
          xmpp: true,
        })
      ).account;
      await setAccountPassword(t.deps, CLI_ACTOR, adaAccount.id, 'correct horse battery');
      await setSshKeys(t.deps, CLI_ACTOR, adaAccount.id, KEY);
      await createAccount(t.deps, CLI_ACTOR, alan.id, 'alan', {
        shell: false,
        mail: true,
        xmpp: false,
      });
    });
    afterEach(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('projects each account exactly to the services it may use', async () => {
      // As under treff-apply.service's UMask=0077.
      const umask = process.umask(0o077);
      const report = await runSync(t.deps, { root: dir }).finally(() => process.umask(umask));
      assert.equal(report.homesCreated.length, 2);
      const hash = (
        await t.deps.db
          .selectFrom('accounts')
          .select('password_hash')
          .where('username', '=', 'ada')
          .executeTakeFirstOrThrow()
      ).password_hash;
      assert.equal(
        await read('var/lib/extrausers/passwd'),
        'ada:x:20000:20000:Ada  Countess Lovelace x:/home/ada:/bin/bash\n',
      );
      assert.equal(await read('var/lib/extrausers/shadow'), `ada:${hash}::0:99999:7:::\n`);
      assert.equal(
        await read('var/lib/extrausers/group'),
        'ada:x:20000:\ntreff-shell:x:19999:ada\n',
      );
      assert.equal(
        await read('etc/dovecot/treff/users'),
        `ada:{CRYPT}${hash}:20000:20000::/home/ada::\nalan:{CRYPT}*:20001:20001::/home/alan::\n`,
      );
      assert.equal(
        await read('etc/postfix/treff/mailboxes'),
        'ada@chaostreff-osnabrueck.de OK\nalan@chaostreff-osnabrueck.de OK\n',
      );
      assert.equal(
        await read('etc/postfix/treff/senders'),
        'ada@chaostreff-osnabrueck.de ada\nalan@chaostreff-osnabrueck.de alan\n',
      );
      assert.equal(await read('var/lib/treff/xmpp-users'), 'ada\n');
      assert.equal(await read('var/lib/treff/ssh-keys/ada'), `${KEY}\n`);
      assert.equal(
        await read('etc/prosody/treff-auth.secret'),
        `${xmppAuthSecret(t.deps.secret)}\n`,
      );
      assert.equal((await stat(join(dir, 'var/lib/extrausers/shadow'))).mode & 0o777, 0o640);
      // Dovecot 2.4 reads its passwd-file as the dovecot user: the folder lets the group in.
      const dovecotDir = await stat(join(dir, 'etc/dovecot/treff'));
      assert.equal(dovecotDir.mode & 0o777, 0o750);
      // And the group can pass the folders above it, new ones included.
      for (const folder of ['etc', 'etc/dovecot'])
        assert.equal((await stat(join(dir, folder))).mode & 0o777, 0o755, folder);
      if (root) assert.equal(dovecotDir.gid, groupId('dovecot'));
      assert.equal((await stat(join(dir, 'etc/postfix/treff'))).mode & 0o777, 0o755);
      const home = await stat(join(dir, 'home/ada'));
      assert.equal(home.mode & 0o777, 0o700);
      if (root) assert.equal(home.uid, 20000);
      assert.ok((await stat(join(dir, 'home/ada/Maildir/new'))).isDirectory());
    });

    test('indexes the Postfix tables with postmap', { skip: postmap }, async () => {
      await runSync(t.deps, { root: dir });
      assert.ok((await stat(join(dir, 'etc/postfix/treff/mailboxes.lmdb'))).size > 0);
      assert.ok((await stat(join(dir, 'etc/postfix/treff/senders.lmdb'))).size > 0);
      const { stdout } = await exec('/usr/sbin/postmap', [
        '-q',
        'ada@chaostreff-osnabrueck.de',
        `lmdb:${join(dir, 'etc/postfix/treff/senders')}`,
      ]);
      assert.equal(stdout, 'ada\n');
    });

    test('is idempotent: a second run changes nothing', async () => {
      await runSync(t.deps, { root: dir });
      const second = await runSync(t.deps, { root: dir });
      assert.deepEqual(second.written, []);
      assert.deepEqual(second.homesCreated, []);
    });

    test('a disabled account disappears from every projection at the next run', async () => {
      await runSync(t.deps, { root: dir });
      const ada = await t.deps.db
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', 'ada')
        .executeTakeFirstOrThrow();
      await disableAccount(t.deps, CLI_ACTOR, ada.id);
      await runSync(t.deps, { root: dir });
      for (const path of [
        'var/lib/extrausers/passwd',
        'var/lib/extrausers/shadow',
        'etc/dovecot/treff/users',
        'etc/postfix/treff/mailboxes',
        'var/lib/treff/xmpp-users',
      ]) {
        assert.doesNotMatch(await read(path), /\bada\b/, path);
      }
      await assert.rejects(stat(join(dir, 'var/lib/treff/ssh-keys/ada')));
      assert.ok((await stat(join(dir, 'home/ada'))).isDirectory(), 'the data stays until deletion');
    });

    test('a deletion removes the home with the mailbox and the XMPP data, and forgets the name', async () => {
      await runSync(t.deps, { root: dir });
      const xmppDir = join(dir, 'var/lib/prosody', prosodyEncode('chaostreff-osnabrueck.de'));
      await mkdir(join(xmppDir, 'roster'), { recursive: true });
      await writeFile(join(xmppDir, 'roster', 'ada.dat'), 'return {}');
      await writeFile(join(xmppDir, 'roster', 'alan.dat'), 'return {}');
      await writeFile(join(dir, 'home/ada/Maildir/new/1.mail'), 'Subject: hi\n\nhello\n');
      const ada = await t.deps.db
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', 'ada')
        .executeTakeFirstOrThrow();
      await deleteAccount(t.deps, CLI_ACTOR, ada.id);
      const report = await runSync(t.deps, { root: dir });
      assert.equal(report.deletionsCarriedOut, 1);
      await assert.rejects(stat(join(dir, 'home/ada')));
      await assert.rejects(stat(join(xmppDir, 'roster', 'ada.dat')));
      assert.ok(await stat(join(xmppDir, 'roster', 'alan.dat')));
      const rows = await t.deps.db.selectFrom('account_deletions').selectAll().execute();
      assert.deepEqual(
        rows.map((row) => [row.username, row.uid, row.done_at !== null]),
        [[null, 20000, true]],
      );
      assert.equal((await runSync(t.deps, { root: dir })).deletionsCarriedOut, 0);
    });

    test('refuses to run twice at the same time', async () => {
      await mkdir(join(dir, 'var/lib/treff'), { recursive: true });
      await writeFile(join(dir, 'var/lib/treff/sync.lock'), String(process.pid));
      await assert.rejects(runSync(t.deps, { root: dir }), /Another treff sync/);
    });
  });
}

test('encodes names as Prosody stores them', () => {
  assert.equal(prosodyEncode('chaostreff-osnabrueck.de'), 'chaostreff%2dosnabrueck%2ede');
  assert.equal(prosodyEncode('ada_l'), 'ada%5fl');
});
