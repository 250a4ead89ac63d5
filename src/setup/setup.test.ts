import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SetupError } from './context.ts';
import type { PreflightDeps } from './preflight.ts';
import { RecordingRunner, type CommandSpec } from './runner.ts';
import { INSTALL_DIR, parseSetupFlags, setupCommand, type SetupFlags } from './setup.cli.ts';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const PACKAGES = [
  'openssl',
  'logrotate',
  'gnupg',
  'libnss-extrausers',
  'nginx',
  'postfix',
  'postfix-lmdb',
  'dovecot-core',
  'dovecot-imapd',
  'dovecot-lmtpd',
  'prosody',
  'openssh-server',
  'bash',
];
const NGINX_DEFAULT_LOGROTATE = '/var/log/nginx/*.log {\n\tdaily\n}\n';
const DOVECOT_AUTH = '!include auth-system.conf.ext\n';
const NSSWITCH = 'passwd: files\ngroup: files\n';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * A temporary root as a fresh Debian 13 looks after `apt install` of treff's packages: dpkg's
 * status lists them (so setup installs nothing), Debian's own files stand where setup edits or
 * replaces them, the daemons' units exist for `systemctl --root enable`.
 */
async function debianRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'treff-setup-test-'));
  roots.push(root);
  const put = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };
  await put(
    '/etc/os-release',
    'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n',
  );
  await put('/proc/meminfo', 'MemTotal:        2048000 kB\n');
  await put('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  await put('/etc/group', 'root:x:0:\nadm:x:4:\n');
  await put('/etc/shadow', '');
  await put('/etc/gshadow', '');
  await put('/etc/bash.bashrc', '# System-wide .bashrc file\n');
  await put(
    '/etc/postfix/main.cf',
    'myhostname = club.example\nsmtpd_tls_auth_only = no\nsmtputf8_enable = yes\n',
  );
  await put(
    '/etc/postfix/master.cf',
    'smtp      inet  n       -       y       -       -       smtpd\n',
  );
  await put('/etc/nginx/sites-available/default', 'server { listen 80 default_server; }\n');
  await mkdir(join(root, '/etc/nginx/sites-enabled'), { recursive: true });
  await symlink(
    '/etc/nginx/sites-available/default',
    join(root, '/etc/nginx/sites-enabled/default'),
  );
  await put('/etc/logrotate.d/nginx', NGINX_DEFAULT_LOGROTATE);
  // Dovecot's conf.d is ucf's; nsswitch.conf is libc-bin's copy of its template.
  await put('/etc/dovecot/conf.d/10-auth.conf', DOVECOT_AUTH);
  await put('/var/lib/ucf/hashfile', `${md5(DOVECOT_AUTH)}  /etc/dovecot/conf.d/10-auth.conf\n`);
  await put('/usr/share/libc-bin/nsswitch.conf', NSSWITCH);
  await put('/etc/nsswitch.conf', NSSWITCH);
  const status = PACKAGES.map(
    (pkg) =>
      `Package: ${pkg}\nStatus: install ok installed\n${pkg === 'nginx' ? `Conffiles:\n /etc/logrotate.d/nginx ${md5(NGINX_DEFAULT_LOGROTATE)}\n` : ''}`,
  ).join('\n');
  await put('/var/lib/dpkg/status', status);
  for (const unit of ['nginx', 'postfix', 'dovecot', 'prosody', 'ssh'])
    await put(
      `/lib/systemd/system/${unit}.service`,
      `[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n`,
    );
  return root;
}

/** Every file, directory and symlink under root with a digest of its content and mode. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const name of await readdir(join(root, dir))) {
      const path = `${dir}/${name}`;
      const info = await lstat(join(root, path));
      if (info.isSymbolicLink()) entries.set(path, `link ${await readlink(join(root, path))}`);
      else if (info.isDirectory()) {
        entries.set(path, `dir ${(info.mode & 0o7777).toString(8)} ${info.uid}`);
        await walk(path);
      } else
        entries.set(
          path,
          `${md5(await readFile(join(root, path), 'utf8'))} ${(info.mode & 0o7777).toString(8)} ${info.uid}`,
        );
    }
  };
  await walk('');
  return entries;
}

function changedPaths(before: Map<string, string>, afterwards: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...afterwards.keys()]);
  return [...paths].filter((path) => before.get(path) !== afterwards.get(path)).sort();
}

const fakePreflight: PreflightDeps = {
  nodeVersion: '20.19.0',
  dns: {
    resolve4: () => Promise.resolve(['192.0.2.10']),
    resolve6: () => Promise.resolve([]),
    resolveMx: (name) => Promise.resolve([{ exchange: name, priority: 10 }]),
  },
  addresses: ['192.0.2.10'],
};

/**
 * Runs for real only what acts on the temporary root itself (systemctl --root, useradd --root,
 * systemd-tmpfiles --root) and the read-only queries. What would run inside the root with
 * chroot cannot run here (no binaries in it): it is recorded and answered as the installed
 * treff and prosodyctl answer once their work is done (the database migrated, the admin there,
 * the certificate copied).
 */
function testRunner(root: string): RecordingRunner {
  return new RecordingRunner({
    pass: (spec: CommandSpec) =>
      spec.readOnly === true ||
      (['systemctl', 'useradd', 'systemd-tmpfiles'].includes(spec.argv[0] ?? '') &&
        spec.argv.includes(root)),
    answer: async (spec: CommandSpec) => {
      if (spec.argv.includes('migrate')) return 'The database is up to date.\n';
      if (spec.argv.includes('init'))
        return '/var/lib/treff is initialised already; nothing changed.\n';
      if (spec.argv.includes('prosodyctl')) {
        await mkdir(join(root, '/etc/prosody/certs'), { recursive: true });
        await copyFile(
          join(root, '/etc/letsencrypt/live/club.example/fullchain.pem'),
          join(root, '/etc/prosody/certs/club.example.crt'),
        );
      }
      return '';
    },
  });
}

function flags(root: string, extra: Partial<SetupFlags> = {}): SetupFlags {
  return {
    domain: 'club.example',
    adminMail: 'board@elsewhere.example',
    tls: 'self-signed',
    skipCheck: [],
    yes: true,
    start: true,
    root,
    admin: 'admin',
    installDir: INSTALL_DIR,
    lang: 'en',
    ...extra,
  };
}

async function run(root: string, extra: Partial<SetupFlags> = {}) {
  const lines: string[] = [];
  const runner = testRunner(root);
  let code: number;
  try {
    code = await setupCommand(flags(root, extra), {
      out: (text) => lines.push(...text.split('\n').filter(Boolean)),
      runner,
      preflight: fakePreflight,
      isInteractive: false,
    });
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    return { code: error.exitCode, lines, runner, error };
  }
  return { code, lines, runner, error: undefined };
}

/** The `write`/`remove`/`mkdir` lines: every path setup writes, in the dry-run's format. */
function pathLines(lines: readonly string[]): string[] {
  return lines
    .filter((line) => /^(write|remove|mkdir) \//.test(line))
    .map((line) => line.split(' ')[1] ?? '')
    .sort();
}

test('lists in a dry run exactly the files a real run writes, and the dry run changes nothing', async () => {
  const root = await debianRoot();
  const before = await snapshot(root);
  const dry = await run(root, { dryRun: true });
  assert.equal(dry.code, 0, dry.lines.join('\n'));
  assert.deepEqual(changedPaths(before, await snapshot(root)), [], 'the dry run changed the root');
  assert.ok(dry.lines.includes('write /etc/nginx/conf.d/treff-website.conf'));
  assert.ok(dry.lines.includes('remove /etc/nginx/sites-enabled/default'));

  const real = await run(root);
  const changed = changedPaths(before, await snapshot(root));
  // What setup itself wrote: everything changed except what the commands it ran made (useradd's
  // passwd files, systemctl's wants links, tmpfiles' log directory, prosodyctl's certificate
  // copy, the backups of this run).
  const own = changed.filter(
    (path) =>
      !/^\/etc\/(passwd|group|shadow|gshadow|subuid|subgid|\.pwd\.lock)-?$/.test(path) &&
      !path.includes('.wants') &&
      !path.startsWith('/var/log') &&
      !path.startsWith('/etc/prosody/certs') &&
      !path.startsWith('/var/lib/treff/setup-backups') &&
      // parents created on the way
      !changed.some(
        (other) => other.startsWith(`${path}/`) && !pathLines(dry.lines).includes(path),
      ),
  );
  assert.deepEqual(own, pathLines(dry.lines));
  assert.deepEqual(pathLines(real.lines), pathLines(dry.lines));
});

test('changes nothing on a second run: no file, no backup, no package, no service command', async () => {
  const root = await debianRoot();
  const first = await run(root);
  assert.ok(first.lines.some((line) => line.startsWith('changed:')));
  const before = await snapshot(root);
  const second = await run(root);
  assert.deepEqual(changedPaths(before, await snapshot(root)), []);
  assert.ok(
    second.lines.includes('Nothing changed: everything was as declared already.'),
    second.lines.join('\n'),
  );
  assert.deepEqual(pathLines(second.lines), []);
  // Only treff's own idempotent commands run again (migrate, init, sync).
  for (const line of second.runner.lines) assert.match(line, /dist\/main\.js (migrate|init|sync) /);
  assert.ok(!second.lines.some((line) => line.startsWith('changed:')), second.lines.join('\n'));
});

test('replaces untouched Debian files and edits main.cf as postconf -e does, master.cf once, keeping backups', async () => {
  const root = await debianRoot();
  await run(root);
  const main = await readFile(join(root, '/etc/postfix/main.cf'), 'utf8');
  assert.match(main, /^myhostname = club\.example$/m);
  assert.match(main, /^smtpd_tls_auth_only = yes$/m);
  assert.doesNotMatch(main, /smtpd_tls_auth_only = no/);
  assert.match(main, /^virtual_mailbox_domains = club\.example$/m);
  assert.match(main, /^smtpd_client_port_logging = no$/m);
  const master = await readFile(join(root, '/etc/postfix/master.cf'), 'utf8');
  assert.equal(master.match(/^submission inet/gm)?.length, 1);
  const stamp = (await readdir(join(root, '/var/lib/treff/setup-backups')))[0] ?? '';
  const backup = join(root, '/var/lib/treff/setup-backups', stamp);
  assert.match(
    await readFile(join(backup, '/etc/postfix/main.cf'), 'utf8'),
    /smtpd_tls_auth_only = no/,
  );
  assert.equal(
    await readFile(join(backup, '/etc/logrotate.d/nginx'), 'utf8'),
    NGINX_DEFAULT_LOGROTATE,
  );
  assert.equal(
    await readFile(join(backup, '/etc/dovecot/conf.d/10-auth.conf'), 'utf8'),
    DOVECOT_AUTH,
  );
  assert.equal(await readFile(join(backup, '/etc/nsswitch.conf'), 'utf8'), NSSWITCH);
  assert.equal((await lstat(backup)).mode & 0o777, 0o700);
  await assert.rejects(lstat(join(root, '/etc/nginx/sites-enabled/default')));
});

test('refuses a file treff did not write without --force, naming it, and backs it up with --force', async () => {
  const root = await debianRoot();
  const mine = 'server { listen 443; } # the admin’s own\n';
  await mkdir(join(root, '/etc/nginx/conf.d'), { recursive: true });
  await writeFile(join(root, '/etc/nginx/conf.d/treff-website.conf'), mine);
  const before = await snapshot(root);
  const refused = await run(root);
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.error?.details, ['/etc/nginx/conf.d/treff-website.conf']);
  assert.deepEqual(
    changedPaths(before, await snapshot(root)),
    [],
    'nothing may change when refused',
  );

  const forced = await run(root, { force: true });
  assert.ok(
    forced.lines.some((line) => line.startsWith('+++ b/etc/nginx/conf.d/treff-website.conf')),
    'shows the diff',
  );
  const stamp = (await readdir(join(root, '/var/lib/treff/setup-backups')))[0] ?? '';
  assert.equal(
    await readFile(
      join(root, '/var/lib/treff/setup-backups', stamp, '/etc/nginx/conf.d/treff-website.conf'),
      'utf8',
    ),
    mine,
  );
  assert.match(
    await readFile(join(root, '/etc/nginx/conf.d/treff-website.conf'), 'utf8'),
    /Generated by treff/,
  );
});

test('installs the declaration 0640 root:treff and the data dir 0700 treff, and a config that passes the check', async () => {
  const root = await debianRoot();
  await run(root);
  const yaml = await lstat(join(root, '/etc/treff/treff.yaml'));
  assert.equal(yaml.mode & 0o777, 0o640);
  const passwd = await readFile(join(root, '/etc/passwd'), 'utf8');
  const uid = Number(/^treff:x:(\d+):/m.exec(passwd)?.[1]);
  assert.match(passwd, /^treff:x:\d+:\d+::\/var\/lib\/treff:\/usr\/sbin\/nologin$/m);
  assert.equal((await lstat(join(root, '/etc/treff'))).mode & 0o777, 0o750);
  const data = await lstat(join(root, '/var/lib/treff'));
  assert.equal(data.mode & 0o777, 0o700);
  assert.equal(data.uid, uid);
  const text = await readFile(join(root, '/etc/treff/treff.yaml'), 'utf8');
  assert.match(text, /url: sqlite:\/var\/lib\/treff\/treff\.db/);
  assert.doesNotMatch(text, /chaostreff|jitsi:/);
  assert.equal(
    (await lstat(join(root, '/etc/letsencrypt/live/club.example/privkey.pem'))).mode & 0o777,
    0o600,
  );
});

test('names every bad flag at once, with exit code 2', () => {
  const bad = (extra: Partial<SetupFlags>) => {
    try {
      parseSetupFlags(flags('/', extra));
    } catch (error) {
      assert.ok(error instanceof SetupError);
      assert.equal(error.exitCode, 2);
      return error.details;
    }
    assert.fail('accepted');
  };
  assert.deepEqual(bad({ adminMail: undefined, tls: 'existing', skipCheck: ['disk'] }), [
    '--admin-mail ADDRESS is needed with --domain (the club’s contact for the board and privacy)',
    '--tls existing needs --cert FILE and --key FILE',
    '--skip-check: unknown check "disk" (known: os, memory, ports, dns)',
  ]);
  assert.deepEqual(bad({ config: 'x.yaml', domain: 'Not A Domain', databaseUrl: 'mysql://x' }), [
    '--config and --domain exclude each other: install a file, or create one from flags',
    '--domain: expected a lower-case domain such as club.example, got "Not A Domain"',
    '--database-url: expected sqlite:/absolute/path or postgres://user@host/db, got "mysql://x"',
  ]);
  assert.deepEqual(
    bad({ tls: 'certbot', adminMail: undefined, domain: undefined, cert: 'c.pem' }),
    [
      '--cert and --key only work with --tls existing',
      '--tls certbot needs --acme-email ADDRESS (Let’s Encrypt’s expiry notices)',
    ],
  );
  assert.deepEqual(bad({ tls: 'certbot', acmeServer: 'http://ca.example/dir' }), [
    '--acme-server: expected the https:// address of an ACME directory, with --tls certbot; got "http://ca.example/dir"',
  ]);
  assert.deepEqual(bad({ tls: 'self-signed', acmeServer: 'https://ca.example/dir' }).length, 1);
});

test('says how to go on when there is no declaration, and asks for --yes when not interactive', async () => {
  const root = await debianRoot();
  const none = await run(root, { domain: undefined, adminMail: undefined });
  assert.equal(none.code, 2);
  assert.match(none.error?.message ?? '', /--config FILE, or --domain and --admin-mail/);
  const unconfirmed = await run(root, { yes: false });
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.error?.message ?? '', /--yes/);
});

test('stops after a failed preflight, naming the check, before it changes anything', async () => {
  const root = await debianRoot();
  await writeFile(
    join(root, '/etc/os-release'),
    'PRETTY_NAME="Ubuntu 24.04"\nID=ubuntu\nVERSION_ID="24.04"\n',
  );
  const before = await snapshot(root);
  const failed = await run(root);
  assert.equal(failed.code, 1);
  assert.match(failed.error?.message ?? '', /preflight failed \(os\)/);
  assert.ok(failed.lines.some((line) => line.startsWith('FAIL os: found: Ubuntu 24.04')));
  assert.deepEqual(changedPaths(before, await snapshot(root)), []);
  const skipped = await run(root, { skipCheck: ['os'] });
  assert.equal(skipped.code, 0, skipped.lines.join('\n'));
});

async function opensslPair(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const { SystemRunner } = await import('./runner.ts');
  const result = await new SystemRunner().run({
    argv: [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
  });
  assert.equal(result.code, 0, result.stderr);
  return { cert, key };
}

test('--tls existing installs a matching certificate and key, and refuses a key of another certificate', async () => {
  const root = await debianRoot();
  const one = await opensslPair(root, 'one');
  const two = await opensslPair(root, 'two');
  const wrong = await run(root, { tls: 'existing', cert: one.cert, key: two.key });
  assert.equal(wrong.code, 2);
  assert.match(wrong.error?.message ?? '', /does not belong to --cert/);
  const good = await run(root, { tls: 'existing', cert: one.cert, key: one.key });
  assert.equal(good.code, 0, good.lines.join('\n'));
  assert.equal(
    await readFile(join(root, '/etc/letsencrypt/live/club.example/fullchain.pem'), 'utf8'),
    await readFile(one.cert, 'utf8'),
  );
  assert.equal(
    (await lstat(join(root, '/etc/letsencrypt/live/club.example/privkey.pem'))).mode & 0o777,
    0o600,
  );
});

test('installs only the missing packages, with a policy-rc.d that forbids starting daemons meanwhile', async () => {
  const root = await debianRoot();
  const status = await readFile(join(root, '/var/lib/dpkg/status'), 'utf8');
  const without = status
    .split('\n\n')
    .filter((block) => !/^Package: (prosody|openssh-server)$/m.test(block))
    .join('\n\n');
  await writeFile(join(root, '/var/lib/dpkg/status'), without);
  let policyDuringApt = '';
  const runner = new RecordingRunner({
    pass: (spec) => spec.readOnly === true,
    answer: async (spec) => {
      if (spec.argv.includes('install'))
        policyDuringApt = await readFile(join(root, '/usr/sbin/policy-rc.d'), 'utf8');
      return '';
    },
  });
  const lines: string[] = [];
  await setupCommand(flags(root, { tls: 'self-signed' }), {
    out: (text) => lines.push(...text.split('\n').filter(Boolean)),
    runner,
    preflight: fakePreflight,
    isInteractive: false,
  });
  const apt = runner.lines.filter((line) => line.includes('apt-get'));
  assert.deepEqual(apt, [
    `chroot ${root} apt-get update`,
    `chroot ${root} apt-get install -y --no-install-recommends prosody openssh-server`,
  ]);
  assert.match(policyDuringApt, /^exit 101$/m);
  await assert.rejects(lstat(join(root, '/usr/sbin/policy-rc.d')));
  assert.ok(
    lines.includes('write /usr/sbin/policy-rc.d') && lines.includes('remove /usr/sbin/policy-rc.d'),
  );
});

test('installs a declaration given with --config, and keeps a different installed one unless --force', async () => {
  const root = await debianRoot();
  await run(root);
  const installed = await readFile(join(root, '/etc/treff/treff.yaml'), 'utf8');
  const edited = installed.replace('name: club.example', 'name: Edited Club e.V.');
  const file = join(root, 'edited.yaml');
  await writeFile(file, edited);
  const refused = await run(root, { domain: undefined, adminMail: undefined, config: file });
  assert.equal(refused.code, 1);
  assert.match(refused.error?.message ?? '', /\/etc\/treff\/treff\.yaml exists with other content/);
  const forced = await run(root, {
    domain: undefined,
    adminMail: undefined,
    config: file,
    force: true,
  });
  assert.equal(forced.code, 0, forced.lines.join('\n'));
  assert.equal(await readFile(join(root, '/etc/treff/treff.yaml'), 'utf8'), edited);
  assert.ok(
    forced.lines.some((line) => line === '+  name: Edited Club e.V.'),
    'shows the diff',
  );
  // Without flags a re-run reads the installed declaration and changes nothing.
  const again = await run(root, { domain: undefined, adminMail: undefined });
  assert.ok(
    again.lines.includes('Nothing changed: everything was as declared already.'),
    again.lines.join('\n'),
  );
});
