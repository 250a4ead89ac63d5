import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { EXAMPLE_CONFIG, ROOT, testAccountHasher, testHasher } from '../test/support/app.ts';
import { runTreff, type CliRun } from '../test/support/cli.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '../test/support/db.ts';
import { silentLogger } from './core/log.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

for (const dialect of TEST_DIALECTS) {
  describe(`treff command line (${dialect})`, () => {
    let dir: string;
    let config: string;
    let database: TestDatabase;
    let stdin = '';
    const run = (...args: string[]): Promise<CliRun> =>
      runTreff(args, {
        stdin,
        runtimeOptions: {
          log: silentLogger(),
          hasher: testHasher,
          accountHasher: testAccountHasher,
          ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
        },
      });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'treff-cli-'));
      database = await createTestDatabase(dialect, join(dir, 'data'));
      config = join(dir, 'treff.yaml');
      await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
      process.env['TREFF_DATABASE_URL'] = database.url;
      stdin = '';
    });
    afterEach(async () => {
      delete process.env['TREFF_DATABASE_URL'];
      await rm(dir, { recursive: true, force: true });
    });

    test('init creates the first admin once and prints its login', async () => {
      const first = await run('init', '--config', config);
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, /^Created the admin login: admin \/ [A-Za-z0-9]{20}\n$/);
      const second = await run('init', '--config', config);
      assert.equal(second.code, 0);
      assert.match(second.out, /initialised already; nothing changed/);
    });

    test('imports, shows and exports members', async () => {
      const csv = join(dir, 'members.csv');
      await writeFile(
        csv,
        `${HEADER}\n1,Ada,Lovelace,1990-12-10,,,,ada@example.org,,,2024-01-01,\n2,Alan,Turing,,,,,,,,2024-01-01,\n`,
      );
      const dry = await run('members', 'import', csv, '--dry-run', '--config', config);
      assert.equal(dry.code, 0, dry.err);
      assert.match(dry.out, /2 members would be imported \(dry run\)/);
      assert.equal((await run('members', 'export', '--config', config)).out, `${HEADER}\r\n`);
      assert.match(
        (await run('members', 'import', csv, '--config', config)).out,
        /Imported 2 members/,
      );
      const shown = await run('members', 'show', '1', '--config', config);
      assert.match(shown.out, /^1 {2}Ada Lovelace\n/);
      const json = JSON.parse(
        (await run('members', 'show', '1', '--json', '--config', config)).out,
      ) as { member: { email: string } };
      assert.equal(json.member.email, 'ada@example.org');
      const exported = await run('members', 'export', '--config', config);
      assert.equal(exported.out.split('\r\n').length, 4);
    });

    test('fails with a one-line reason for an unknown member number', async () => {
      const result = await run('members', 'show', '999', '--config', config);
      assert.equal(result.code, 1);
      assert.equal(result.err, 'treff: No member with number 999.\n');
      assert.equal(result.out, '');
    });

    test('a CSV with a bad row imports nothing and lists each bad line', async () => {
      const csv = join(dir, 'members.csv');
      await writeFile(
        csv,
        `${HEADER}\n1,Ada,Lovelace,,,,,,,,2024-01-01,\n1,Alan,Turing,,,,,,,,2024-01-01,\n3,Grace,Hopper,,,,,,12,,2024-01-01,\n`,
      );
      const result = await run('members', 'import', csv, '--config', config);
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        `treff: ${csv}: 2 problems, nothing imported\n  line 3: member_number: duplicate of line 2\n  line 4: phone: expected a phone number such as +49 541 123456\n`,
      );
      assert.equal((await run('members', 'export', '--config', config)).out, `${HEADER}\r\n`);
    });

    test('manages member accounts and writes their projections', async () => {
      const csv = join(dir, 'members.csv');
      await writeFile(
        csv,
        `${HEADER}\n1,Ada,Lovelace,,,,,ada@example.org,,,2024-01-01,\n2,Alan,Turing,,,,,,,,2024-01-01,\n`,
      );
      await run('members', 'import', csv, '--config', config);
      const created = await run(
        'accounts',
        'create',
        '1',
        'ada',
        '--services',
        'shell,mail',
        '--config',
        config,
      );
      assert.equal(created.code, 0, created.err);
      assert.equal(
        created.out,
        'Created ada (uid 20000). The member got a link to set the password.\n',
      );
      const noMail = await run('accounts', 'create', '2', 'alan', '--config', config);
      assert.match(noMail.out, /has no email address/);
      assert.equal(
        (await run('accounts', 'create', '2', 'x', '--services', 'ftp', '--config', config)).code,
        2,
      );
      stdin = 'correct horse battery\n';
      assert.equal((await run('accounts', 'set-password', 'ada', '--config', config)).code, 0);
      assert.equal(
        (await run('accounts', 'list', '--config', config)).out,
        'ada\tactive\t20000\tshell,mail\tpassword\nalan\tactive\t20001\tmail,xmpp\tno password\n',
      );
      const root = join(dir, 'root');
      const synced = await run('sync', '--root', root, '--config', config);
      assert.equal(synced.code, 0, synced.err);
      assert.match(synced.out, /^sync: \d+ files written, 0 unchanged, 2 homes created/);
      assert.match(
        await readFile(join(root, 'var/lib/extrausers/passwd'), 'utf8'),
        /^ada:x:20000:20000:Ada Lovelace:\/home\/ada:\/bin\/bash$/m,
      );
      assert.match(
        (await run('accounts', 'disable', 'ada', '--config', config)).out,
        /Disabled ada/,
      );
      assert.match(
        (await run('accounts', 'delete', 'alan', '--config', config)).out,
        /Deleted alan/,
      );
      const unknown = await run('accounts', 'disable', 'nobody', '--config', config);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.err, 'treff: No account nobody.\n');
    });

    test('runs the retention jobs and shows their proof', async () => {
      const root = join(dir, 'root');
      await mkdir(join(root, 'etc/systemd/journald.conf.d'), { recursive: true });
      const dry = await run('retention', 'run', '--dry-run', '--root', root, '--config', config);
      assert.equal(dry.code, 1, 'journald keeps too long under this root');
      assert.match(
        dry.out,
        /✗ service-logs\.1: would remove 0 \(journald MaxRetentionSec is unset \(unlimited\)\)/,
      );
      await writeFile(
        join(root, 'etc/systemd/journald.conf.d/50-treff.conf'),
        '[Journal]\nMaxRetentionSec=10day\nMaxFileSec=1day\n',
      );
      const real = await run('retention', 'run', '--root', root, '--config', config);
      assert.equal(real.code, 0, real.err);
      assert.match(real.out, /^✓ membership\.1: removed 0$/m);
      const status = await run('retention', 'status', '--config', config);
      assert.equal(status.code, 0, status.out);
      assert.match(status.out, /^✓ website-logs\.1 \(10 days\): ok, last run /m);
      assert.match(status.out, /^✓ xmpp-room-history\.1 \(last 10\): kept by daemon$/m);
      assert.equal(
        (await run('retention', 'run', 'nope', '--config', config)).err,
        'treff: No retention job nope; treff retention status lists them.\n',
      );
    });

    test('adds a board login with a password from stdin', async () => {
      stdin = 'a long enough password\n';
      const added = await run(
        'users',
        'add',
        'vorstand',
        '--roles',
        'board,treasurer',
        '--config',
        config,
      );
      assert.equal(added.code, 0, added.err);
      assert.match(
        (await run('users', 'list', '--config', config)).out,
        /^vorstand\tboard,treasurer\tvorstand\n$/,
      );
      stdin = 'short\n';
      const weak = await run('users', 'set-password', 'vorstand', '--config', config);
      assert.equal(weak.code, 1);
      assert.match(weak.err, /^treff: The password must be 12 to 1024 characters long/);
      const bad = await run(
        'users',
        'add',
        'x',
        '--roles',
        'emperor',
        '--generate',
        '--config',
        config,
      );
      assert.equal(bad.code, 1);
    });

    test('disables, enables and deletes a board login, but never the last admin', async () => {
      assert.equal((await run('init', '--config', config)).code, 0);
      stdin = 'a long enough password\n';
      await run('users', 'add', 'vorstand', '--roles', 'board', '--config', config);
      const disabled = await run('users', 'disable', 'vorstand', '--config', config);
      assert.equal(disabled.out, 'Disabled vorstand; its sessions have ended.\n');
      assert.match(
        (await run('users', 'list', '--config', config)).out,
        /^vorstand\tboard\tvorstand\tdisabled\n/m,
      );
      assert.equal((await run('users', 'enable', 'vorstand', '--config', config)).code, 0);
      assert.equal(
        (await run('users', 'delete', 'vorstand', '--config', config)).out,
        'Deleted vorstand.\n',
      );
      const last = await run('users', 'delete', 'admin', '--config', config);
      assert.equal(last.code, 1);
      assert.match(last.err, /^treff: admin is the last admin login that can log in/);
      assert.match((await run('users', 'list', '--config', config)).out, /^admin\tadmin\tAdmin\n$/);
    });
  });
}

describe('treff config and help', () => {
  test('services render writes the daemon files and refuses to overwrite foreign ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'treff-cli-'));
    try {
      const render = (...flags: string[]) =>
        runTreff(['services', 'render', ...flags, '--config', EXAMPLE_CONFIG, '--out', dir]);
      assert.equal((await render()).code, 0);
      assert.match(
        await readFile(join(dir, 'etc/ssh/sshd_config.d/treff.conf'), 'utf8'),
        /^AllowGroups treff-shell sudo$/m,
      );
      await writeFile(join(dir, 'etc/nsswitch.conf'), 'passwd: files\n');
      const refused = await render();
      assert.equal(refused.code, 1);
      assert.match(
        refused.err,
        /rerun with --force[\s\S]*etc\/nsswitch\.conf: not written by treff/,
      );
      assert.equal((await render('--force')).code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('config check lists every problem with its path and fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'treff-cli-'));
    try {
      const file = join(dir, 'treff.yaml');
      await writeFile(
        file,
        (await readFile(EXAMPLE_CONFIG, 'utf8'))
          .replace('history: 10', 'history: 10.5')
          .replace('port: 3478', 'port: 99999'),
      );
      const { code, err } = await runTreff(['config', 'check', file]);
      assert.equal(code, 1);
      assert.equal(
        err,
        `treff: ${file} has problems\n  services.jitsi.stun.port: must be at most 65535\n  services.xmpp.muc.history: expected a whole number\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the installed command exits non-zero with a reason on stderr, and has --help', async () => {
    const exec = promisify(execFile);
    const main = join(ROOT, 'src', 'main.ts');
    const help = await exec(process.execPath, ['--import', 'tsx', main, 'members', '--help'], {
      cwd: ROOT,
    });
    assert.match(help.stdout, /import \[options\] <file>/);
    await assert.rejects(
      exec(process.execPath, ['--import', 'tsx', main, 'config', 'check', '/nonexistent.yaml'], {
        cwd: ROOT,
      }),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.equal(error.stderr, 'treff: Cannot read /nonexistent.yaml: file not found\n');
        return true;
      },
    );
  });
});
