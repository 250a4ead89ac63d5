import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import pg from 'pg';
import { createRuntime } from '../app.ts';
import {
  createAccount,
  deleteAccount,
  getAccountByUsername,
  listAccounts,
  runSync,
  setAccountPassword,
} from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { parseConfig } from '../core/config/load.ts';
import { AppError } from '../core/errors.ts';
import { silentLogger } from '../core/log.ts';
import { createMember, getMember, updateMember } from '../members/index.ts';
import { runRetention } from '../retention/index.ts';
import {
  capturingMailer,
  createTestApp,
  EXAMPLE_CONFIG,
  memberInput,
  testAccountHasher,
  testHasher,
  type TestApp,
} from '../../test/support/app.ts';
import { freePort } from '../../test/support/daemons.ts';
import { deadTuplesAfterVacuum, PG_URL, TEST_DIALECTS } from '../../test/support/db.ts';
import { makeKey } from '../../test/support/keys.ts';
import { createBackup } from './backup.service.ts';
import { restoreBackup } from './restore.service.ts';

// Values only the erased member has: finding their bytes anywhere means erasure was undone.
const MARKER_STREET = 'Quarzmarkerweg 7';
const MARKER_EMAIL = 'quarzmarker@example.org';
const PASSWORD = 'a long enough account password';
const TREASURER = { includeRestricted: true };

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected an error');
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const names: string[] = await readdir(dir, { recursive: true });
  const files: string[] = [];
  for (const name of names) {
    if ((await stat(join(dir, name))).isFile()) files.push(join(dir, name));
  }
  return files;
}

async function holds(path: string, needle: string): Promise<boolean> {
  try {
    return (await readFile(path)).toString('latin1').toLowerCase().includes(needle.toLowerCase());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`backup and restore (${dialect})`, () => {
    let t: TestApp;
    let work: string;
    let backupDir: string;
    let keyFile: string;
    let secretFile: string;
    let open: boolean;

    beforeEach(async () => {
      work = await mkdtemp(join(tmpdir(), 'treff-backup-test-'));
      backupDir = join(work, 'backups');
      const key = await makeKey(
        [{ name: 'Backup', email: 'backup@chaostreff-osnabrueck.de' }],
        new Date('2026-03-01T10:00:00Z'),
      );
      keyFile = join(work, 'backup-key.asc');
      secretFile = join(work, 'backup-secret.asc');
      await writeFile(keyFile, key.armored);
      await writeFile(secretFile, key.privateKey.armor());
      const [port, internalPort] = [await freePort(), await freePort()];
      t = await createTestApp(dialect, {
        configEdit: (yaml) =>
          yaml
            .replaceAll('/var/backups/treff', backupDir)
            .replace('/etc/treff/backup-key.asc', keyFile)
            .replace('  port: 8080\n', `  port: ${port}\n  internalPort: ${internalPort}\n`),
      });
      open = true;
    });
    afterEach(async () => {
      if (open) await t.close();
      else await rm(t.dir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    });

    /** A runtime on the test's database, as `treff restore` opens one. */
    const reopen = () =>
      createRuntime(t.deps.config, {
        clock: t.clock,
        log: silentLogger(),
        hasher: testHasher,
        accountHasher: testAccountHasher,
        mailer: capturingMailer(),
        ...(t.deps.pgSchema ? { pgSchema: t.deps.pgSchema } : {}),
      });

    test('a restored backup does not bring back an erased member or a deleted account', async () => {
      const member = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ street: MARKER_STREET, email: MARKER_EMAIL }),
      );
      const { account } = await createAccount(t.deps, CLI_ACTOR, member.id, 'ada');
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, PASSWORD);
      const hash: string | null = (await getAccountByUsername(t.deps, 'ada')).passwordHash;
      if (!hash) throw new Error('the account has no password hash');

      const backup = await createBackup(t.deps);
      assert.equal((await stat(backup.file)).mode & 0o777, 0o600);
      assert.equal((await stat(backupDir)).mode & 0o777, 0o700);

      // The member leaves: the account is deleted, stage 1 erases the contact data.
      await updateMember(
        t.deps,
        CLI_ACTOR,
        member.id,
        memberInput({ street: MARKER_STREET, email: MARKER_EMAIL, leftOn: '2026-02-28' }),
      );
      await deleteAccount(t.deps, CLI_ACTOR, account.id);
      await runRetention(t.deps, { dryRun: false, root: work });
      assert.equal((await getMember(t.deps, TREASURER, member.id)).street, null);
      const journal = await readFile(t.deps.journal.path, 'utf8');
      assert.equal((await stat(t.deps.journal.path)).mode & 0o777, 0o600);
      assert.ok(journal.includes('"kind":"accounts.account"'), journal);
      assert.ok(journal.includes('"kind":"members.fields"'), journal);
      // Not 'ada' alone: the ids are hex and may hold those three letters.
      assert.ok(
        !journal.includes('Quarz') && !journal.includes('"ada"') && !journal.includes('ada@'),
        'ids only, no values',
      );

      // Restore the backup from before, as `treff restore` does (server stopped).
      await t.deps.close();
      open = false;
      assert.equal(
        await errorCode(
          restoreBackup(t.deps.config, reopen, {
            file: backup.file,
            keyFile: secretFile,
            force: false,
            actor: CLI_ACTOR,
            root: work,
          }),
        ),
        'restore_not_empty',
      );
      const report = await restoreBackup(t.deps.config, reopen, {
        file: backup.file,
        keyFile: secretFile,
        force: true,
        actor: CLI_ACTOR,
        root: work,
      });
      assert.equal(report.replayed['accounts.account'], 1);
      // Two stages erased fields at the exit: the contact data, and the email (held while owed).
      assert.equal(report.replayed['members.fields'], 2);

      const restored = await reopen();
      try {
        assert.equal(
          (await listAccounts(restored.db)).some((row) => row.username === 'ada'),
          false,
          'the deleted account is back',
        );
        assert.equal(await errorCode(getAccountByUsername(restored, 'ada')), 'account_not_found');
        const back = await getMember(restored, TREASURER, member.id);
        assert.equal(back.street, null, 'the erased street is back');
        assert.equal(back.email, null, 'the erased email is back');
        const audit = await restored.db
          .selectFrom('audit_events')
          .select(['event', 'fields'])
          .where('event', '=', 'backup.backup.restored')
          .execute();
        assert.deepEqual(audit, [
          { event: 'backup.backup.restored', fields: '["members.fields","accounts.account"]' },
        ]);
        // treff sync after the restore: no projection for the daemons names the account.
        const syncRoot = join(work, 'root');
        await runSync(restored, { root: syncRoot });
        assert.doesNotMatch(
          await readFile(join(syncRoot, 'var/lib/extrausers/passwd'), 'utf8'),
          /^ada:/m,
        );
        assert.doesNotMatch(
          await readFile(join(syncRoot, 'etc/dovecot/treff/users'), 'utf8'),
          /^ada:/m,
        );
        for (const file of await filesUnder(syncRoot))
          assert.equal(await holds(file, hash), false, `${file} holds the deleted password hash`);
        if (dialect === 'postgres') {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          try {
            await client.query('create extension if not exists pgstattuple schema public');
            for (const table of ['members', 'accounts']) {
              const relation = `${restored.pgSchema ?? 'public'}.${table}`;
              const left = await deadTuplesAfterVacuum(client, relation);
              assert.equal(left, 0, `dead tuples in ${table}`);
            }
          } finally {
            await client.end();
          }
        }
      } finally {
        await restored.close();
      }
      // No byte of the erased values in the restored database files, the backups or anywhere
      // else in the data dir (the journal included).
      const erased: readonly string[] = [MARKER_STREET, MARKER_EMAIL, hash];
      for (const file of [...(await filesUnder(t.dir)), ...(await filesUnder(backupDir))]) {
        for (const needle of erased) {
          assert.equal(await holds(file, needle), false, `${file} holds an erased value`);
        }
      }
    });

    test('treff backup deletes backups older than backup.keep', async () => {
      const first = await createBackup(t.deps);
      t.clock.advance(6 * 86_400_000);
      const second = await createBackup(t.deps);
      assert.deepEqual(second.pruned, [], 'six days are within P7D');
      t.clock.advance(2 * 86_400_000);
      const third = await createBackup(t.deps);
      assert.deepEqual(third.pruned, [first.file.split('/').at(-1)]);
      assert.deepEqual((await readdir(backupDir)).sort(), [
        second.file.split('/').at(-1),
        third.file.split('/').at(-1),
      ]);
    });

    test('restore names a wrong key, a damaged file, a missing file and a damaged journal', async () => {
      const backup = await createBackup(t.deps);
      const later = await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '77' }));
      await t.deps.close();
      open = false;
      const other = await makeKey([{ email: 'other@example.org' }], new Date('2026-03-01'));
      const otherFile = join(work, 'other.asc');
      await writeFile(otherFile, other.privateKey.armor());
      const attempt = (file: string, key: string) =>
        errorCode(
          restoreBackup(t.deps.config, reopen, {
            file,
            keyFile: key,
            force: true,
            actor: CLI_ACTOR,
            root: work,
          }),
        );
      assert.equal(await attempt(backup.file, otherFile), 'backup_wrong_key');
      const damaged = join(work, 'damaged.pgp');
      const bytes = await readFile(backup.file);
      await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
      assert.equal(await attempt(damaged, secretFile), 'backup_corrupt');
      await writeFile(damaged, 'not a backup');
      assert.equal(await attempt(damaged, secretFile), 'backup_corrupt');
      assert.equal(
        await attempt(join(work, 'nowhere', 'x.pgp'), secretFile),
        'backup_file_missing',
      );
      assert.equal(await attempt(backup.file, join(work, 'no-key.asc')), 'backup_key_missing');
      const locked = await openpgp.encryptKey({
        privateKey: await openpgp.readPrivateKey({
          armoredKey: await readFile(secretFile, 'utf8'),
        }),
        passphrase: 'correct horse',
      });
      await writeFile(join(work, 'locked.asc'), locked.armor());
      assert.equal(await attempt(backup.file, join(work, 'locked.asc')), 'backup_key_locked');
      // An unreadable journal stops the restore before the database is replaced.
      await writeFile(t.deps.journal.path, '{"seq":1,"name":"Ada"}\n');
      assert.equal(await attempt(backup.file, secretFile), 'erasure_journal_corrupt');
      const unchanged = await reopen();
      try {
        assert.equal((await getMember(unchanged, TREASURER, later.id)).memberNumber, '77');
      } finally {
        await unchanged.close();
      }
    });
  });
}

describe('backup declaration', () => {
  const check = async (edit: (yaml: string) => string) => {
    const yaml = edit(await readFile(EXAMPLE_CONFIG, 'utf8'));
    try {
      parseConfig(yaml, EXAMPLE_CONFIG);
      return [];
    } catch (error) {
      if (error instanceof AppError) return error.issues.map((i) => `${i.path}: ${i.message}`);
      throw error;
    }
  };

  test('refuses backups kept longer than the backup activity promises', async () => {
    assert.deepEqual(
      await check((yaml) =>
        yaml.replace(/^(backup:\n(?: {2}.*\n)*?) {2}keep: P7D$/m, '$1  keep: P30D'),
      ),
      [
        'backup.keep: keeps backups for P30D, but the activity backups promises to delete them after P7D',
      ],
    );
  });

  test('refuses a backup directory no activity declares', async () => {
    const issues = await check((yaml) =>
      yaml.replace('  dir: /var/backups/treff\n', '  dir: /srv/elsewhere\n'),
    );
    assert.equal(issues.length, 1);
    assert.match(
      issues[0] ?? '',
      /^backup\.dir: no activity declares the backups in \/srv\/elsewhere/,
    );
  });
});
