import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts';
import { sshPasswordArgs } from '../support/daemons.ts';
import { generateGpgKey, gnupgHome, gnupgMissing, startTcpWkdNamespace } from '../support/gnupg.ts';
import { requireTool } from '../support/integration.ts';
import { pebbleMissing, startPebble } from '../support/pebble.ts';
import {
  boot,
  createNetwork,
  freshRoot,
  must,
  removeNetwork,
  removeRoot,
  runLong,
  HOST_ADDRESS,
  VSERVER_ADDRESS,
  vserverMissing,
  type VServer,
} from '../support/vserver.ts';

/**
 * The setup end to end, as a package checker would run it: the treff package built with
 * `npm run package`, installed with apt on a fresh Debian 13 root (debootstrap) booted with
 * systemd-nspawn in its own network namespace at 10.231.0.2; `treff setup` there; then real
 * clients from the host against the standard ports. See README, "End-to-end test of the setup".
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DOMAIN = 'club.example';
const ROOM = `e2e@conference.${DOMAIN}`;
const MEMBER = 'alice';
const PASSWORD = 'correct horse battery staple 14';
const CONFIG = '/etc/treff/treff.yaml';
const SETUP_FLAGS = [
  '--domain',
  DOMAIN,
  '--club-name',
  'Testclub e.V.',
  '--admin-mail',
  `vorstand@${DOMAIN}`,
  '--tls',
  'self-signed',
  '--skip-check',
  'dns',
  '--yes',
];

const skip =
  vserverMissing() ??
  gnupgMissing() ??
  requireTool(CHROMIUM, 'Chromium (Debian package "chromium")') ??
  requireTool('/usr/bin/swaks', 'swaks') ??
  requireTool('/usr/bin/sshpass', 'sshpass') ??
  requireTool('/usr/bin/curl', 'curl') ??
  requireTool('/usr/bin/openssl', 'openssl') ??
  pebbleMissing();

/** Milliseconds since `start`, as seconds with one decimal. */
const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(1);

describe('treff setup on a fresh Debian 13 VServer', { skip, timeout: 15 * 60_000 }, () => {
  let vserver: VServer | undefined;
  const roots: string[] = [];
  let deb = '';
  let work = '';
  let serverCert = '';
  let setupOutput = '';
  const started = performance.now();

  before(async () => {
    work = await mkdtemp('/tmp/setup-e2e.');
    // The package of this checkout (dist/ from npm run build, as in CI; built here if missing),
    // or a given one (TREFF_E2E_DEB: a released package, to check it the same way).
    const given = process.env['TREFF_E2E_DEB'];
    if (given) {
      deb = given;
      return;
    }
    if (!existsSync(join(REPO, 'dist/main.js')))
      await must('npm', ['run', 'build', '--silent'], { env: { ...process.env } });
    const built = (await must('bash', [join(REPO, 'scripts/package-deb.sh')])).trim();
    deb = join(REPO, built.split('\n').pop() ?? '');
  });

  after(async () => {
    await vserver?.shutdown();
    await removeNetwork();
    if (process.env['TREFF_E2E_KEEP'] !== '1') for (const root of roots) await removeRoot(root);
    await rm(work, { recursive: true, force: true });
  });

  const inside = (argv: string[], input?: string) => {
    assert.ok(vserver, 'the VServer booted');
    return vserver.ok(argv, input === undefined ? {} : { input });
  };
  /** The treff CLI inside, as the treff user (whose database it is), on the installed config. */
  const treff = (args: string[], input?: string) =>
    inside(['runuser', '-u', 'treff', '--', 'treff', ...args, '--config', CONFIG], input);

  test('from a fresh root to a green doctor: the package, treff setup, every daemon', async () => {
    const fresh = performance.now();
    const root = await freshRoot('vserver');
    roots.push(root);
    const prepared = seconds(started);
    await createNetwork();
    vserver = await boot(root);
    await copyFile(deb, join(root, 'var/tmp/treff.deb'));
    await inside([
      'apt-get',
      'install',
      '-y',
      '-q',
      '--no-install-recommends',
      '/var/tmp/treff.deb',
    ]);
    assert.match(await inside(['dpkg', '-L', 'treff']), /^\/usr\/bin\/treff$/m);
    const setup = await vserver.exec(['treff', 'setup', ...SETUP_FLAGS], { timeoutMs: 900_000 });
    setupOutput = setup.stdout;
    assert.equal(setup.code, 0, `treff setup:\n${setup.stdout}${setup.stderr}`);
    const doctor = await vserver.exec(['treff', 'doctor', '--config', CONFIG]);
    assert.equal(doctor.code, 0, `treff doctor inside is green:\n${doctor.stdout}${doctor.stderr}`);
    process.stdout.write(
      `# setup e2e: fresh root to green doctor in ${seconds(fresh)} s (base root ready after ${prepared} s)\n`,
    );
    for (const unit of ['nginx', 'postfix', 'dovecot', 'prosody', 'ssh', 'treff']) {
      const state = await vserver.exec(['systemctl', 'is-active', `${unit}.service`]);
      assert.equal(state.stdout.trim(), 'active', `${unit} runs`);
    }
    serverCert = await fetchCertificate();
  });

  test('every unit treff installed passes systemd-analyze verify', async () => {
    assert.ok(vserver, 'the VServer booted');
    // Every unit setup wrote, and each unit a drop-in of setup's changes.
    const units = new Set<string>();
    for (const entry of filesIn(setupOutput)) {
      const path = entry.replace(/^write /, '');
      const unit =
        /^\/etc\/systemd\/system\/([^/]+\.(service|path|timer|socket))(\.d\/[^/]+\.conf)?$/.exec(
          path,
        );
      if (entry.startsWith('write ') && unit?.[1]) units.add(unit[3] ? unit[1] : path);
    }
    assert.ok(
      units.has('/etc/systemd/system/treff.service'),
      `treff.service installed: ${[...units].join(' ')}`,
    );
    // The container's own systemd-analyze (257, the version that runs the units), on its root.
    const verify = await vserver.exec(['systemd-analyze', 'verify', '--root=/', ...units]);
    process.stdout.write(
      `# setup e2e: systemd-analyze verify passed for ${[...units].join(' ')}\n`,
    );
    assert.equal(verify.code, 0, `systemd-analyze verify:\n${verify.stdout}${verify.stderr}`);
  });

  test('a member created with the CLI gets mail, reads it over IMAPS and sends with submission', async () => {
    await writeFile(
      join(vserver!.root, 'var/tmp/members.csv'),
      'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on\n' +
        '1,Alice,Beispiel,,Musterstraße 1,49074,Osnabrück,,,,2026-01-01,\n',
    );
    await treff(['members', 'import', '/var/tmp/members.csv']);
    await treff(['accounts', 'create', '1', MEMBER, '--services', 'shell,mail,xmpp']);
    await treff(['accounts', 'set-password', MEMBER], `${PASSWORD}\n`);
    await inside(['treff', 'sync', '--config', CONFIG]);
    // Dovecot sees a changed passwd-file from the next second on.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const delivered = await must('swaks', [
      '--server',
      `${VSERVER_ADDRESS}:25`,
      '--helo',
      'sender.example',
      '--from',
      'someone@sender.example',
      '--to',
      `${MEMBER}@${DOMAIN}`,
      '--header',
      'Subject: e2e inbound',
      '--body',
      'to the member',
    ]);
    assert.match(delivered, /250 2\.0\.0/);
    assert.match(await waitForImap(1), /Subject: e2e inbound/);

    const sent = await must('swaks', [
      '--server',
      `${VSERVER_ADDRESS}:587`,
      '--tls',
      '--tls-ca-path',
      await certFile(),
      '--tls-verify',
      '--tls-sni',
      DOMAIN,
      '--auth',
      'PLAIN',
      '--auth-user',
      MEMBER,
      '--auth-password',
      PASSWORD,
      '--from',
      `${MEMBER}@${DOMAIN}`,
      '--to',
      `${MEMBER}@${DOMAIN}`,
      '--header',
      'Subject: e2e submission',
      '--body',
      'sent with the password',
    ]);
    assert.match(sent, /235 2\.7\.0/, 'SMTP AUTH accepted after STARTTLS');
    assert.match(await waitForImap(2), /Subject: e2e submission/);
  });

  test('the member logs in with SSH', async () => {
    const login = await runLong('sshpass', sshPasswordArgs(MEMBER, VSERVER_ADDRESS), {
      env: { ...process.env, SSHPASS: PASSWORD },
      timeoutMs: 60_000,
    });
    assert.equal(login.code, 0, `ssh: ${login.stderr}`);
    assert.equal(login.stdout.trim(), MEMBER);
  });

  test('an XMPP client logs in with STARTTLS and joins a room', async () => {
    const joined = await runLong(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO, 'test/support/xmpp-join.ts'),
        VSERVER_ADDRESS,
        '5222',
        DOMAIN,
        MEMBER,
        ROOM,
      ],
      {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: await certFile() },
        input: PASSWORD,
        timeoutMs: 60_000,
      },
    );
    assert.equal(joined.code, 0, `xmpp: ${joined.stdout}${joined.stderr}`);
    const result = JSON.parse(joined.stdout) as { jid: string; presence: string };
    assert.match(result.jid, new RegExp(`^${MEMBER}@${DOMAIN.replace('.', '\\.')}/`));
    // The room answered with the occupant's own presence (status 110).
    assert.match(result.presence, /http:\/\/jabber\.org\/protocol\/muc#user/);
    assert.match(result.presence, /<status code="110"\/>/);
    // Port 5222 offers STARTTLS with the server's certificate for the domain.
    const starttls = await runLong(
      'openssl',
      ['s_client', '-starttls', 'xmpp', '-xmpphost', DOMAIN, '-connect', `${VSERVER_ADDRESS}:5222`],
      { input: '', timeoutMs: 30_000 },
    );
    assert.match(starttls.stdout, /subject=CN ?= ?club\.example/);
  });

  test("gpg --locate-external-keys finds the member's key over HTTPS (WKD)", async () => {
    const home = await gnupgHome();
    const client = await gnupgHome();
    const namespace = await startTcpWkdNamespace(DOMAIN, serverCert, {
      host: VSERVER_ADDRESS,
      port: 443,
    });
    try {
      const fingerprint = await generateGpgKey(home, `Alice <${MEMBER}@${DOMAIN}>`);
      await writeFile(
        join(vserver!.root, 'var/tmp/alice.asc'),
        await home.gpgOk(['--armor', '--export', fingerprint]),
      );
      await treff(['keys', 'publish', `${MEMBER}@${DOMAIN}`, '/var/tmp/alice.asc']);
      const found = await namespace.run(
        [
          'gpg',
          '--batch',
          '--with-colons',
          '--auto-key-locate',
          'clear,wkd',
          '--locate-external-keys',
          `${MEMBER}@${DOMAIN}`,
        ],
        { env: client.env },
      );
      assert.equal(found.code, 0, `gpg: ${found.stderr}`);
      assert.match(found.stdout, new RegExp(`fpr:+${fingerprint}:`));
    } finally {
      await namespace.close();
      await home.remove();
      await client.remove();
    }
  });

  test('Chromium opens the website and the policy, and no cookie is set', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${DOMAIN} ${VSERVER_ADDRESS}`],
    });
    try {
      // The self-signed certificate: what --tls self-signed means (the other clients pin it).
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      for (const path of ['/', '/datenschutz']) {
        const response = await page.goto(`https://${DOMAIN}${path}`, { waitUntil: 'networkidle' });
        assert.equal(response?.status(), 200, `GET ${path}`);
      }
      assert.match(await page.content(), /Datenschutz/);
      assert.deepEqual(await context.cookies(), [], 'no cookie on public pages');
    } finally {
      await browser.close();
    }
  });

  test('every retention job runs green on the installed server', async () => {
    // What treff.service's scheduler runs as the treff user: the registry, its data dir, the
    // journal's limits.
    const own = await vserver!.exec([
      ...['runuser', '-u', 'treff', '--', 'treff', 'retention', 'run'],
      ...['--retention', 'treff', '--config', CONFIG],
    ]);
    assert.equal(own.code, 0, `treff retention run --retention treff:\n${own.stdout}${own.stderr}`);
    assert.doesNotMatch(own.stdout, /✗/);
    // The folders of other daemons (the website's log, Prosody's uploads): the root unit's part.
    const since = (await inside(['date', '+%Y-%m-%d %H:%M:%S'])).trim();
    await inside(['systemctl', 'start', 'treff-sync.service']);
    const journal = await inside([
      'journalctl',
      '--no-pager',
      '-o',
      'cat',
      '-u',
      'treff-sync.service',
      '--since',
      since,
    ]);
    for (const job of ['website-logs.1', 'xmpp-uploads.1', 'backups.1'])
      assert.match(journal, new RegExp(`✓ ${job.replace('.', '\\.')}:`), `${job}:\n${journal}`);
    assert.doesNotMatch(journal, /✗/, journal);
  });

  test('running setup again changes nothing', async () => {
    const again = await inside(['treff', 'setup', ...SETUP_FLAGS]);
    assert.deepEqual(filesIn(again), [], `the second run writes nothing:\n${again}`);
    const doctor = await vserver!.exec(['treff', 'doctor', '--config', CONFIG]);
    assert.equal(doctor.code, 0, doctor.stdout);
  });

  test('setup --dry-run on a second fresh root lists every file the real run wrote', async () => {
    const root = await freshRoot('dry-run');
    roots.push(root);
    await copyFile(deb, join(root, 'var/tmp/treff.deb'));
    // systemd-nspawn without network, without touching the root's resolv.conf or time zone.
    const nspawn = (command: string) =>
      must(
        'systemd-nspawn',
        [
          ...['--register=no', '--keep-unit', '--quiet', '--private-network'],
          ...['--resolv-conf=off', '--timezone=off', '--setenv=DEBIAN_FRONTEND=noninteractive'],
          ...['--directory', root, '/bin/sh', '-c', command],
        ],
        { env: { PATH: process.env['PATH'] ?? '', SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' } },
      );
    await nspawn('apt-get install -y -q --no-install-recommends /var/tmp/treff.deb > /dev/null');
    const before = await snapshot(root);
    const flags = SETUP_FLAGS.map((flag) => `'${flag}'`).join(' ');
    const dry = await nspawn(`treff setup --dry-run ${flags}`);
    const temporary = transient(filesIn(setupOutput));
    const lasting = (entry: string) => !temporary.has(entry.split(' ')[1] ?? '');
    const listed = filesIn(dry).filter(lasting);
    const written = filesIn(setupOutput).filter(lasting);
    assert.ok(written.length > 20, `the real run names the files it wrote:\n${setupOutput}`);
    assert.deepEqual(listed, written, 'the dry run lists exactly the files the real run wrote');
    // And the dry run changed nothing at all.
    const afterDry = await snapshot(root);
    const changed = [...new Set([...before.keys(), ...afterDry.keys()])].filter(
      (path) => before.get(path) !== afterDry.get(path),
    );
    assert.deepEqual(changed, [], 'the dry run changed no file');
  });

  test('with --tls certbot, setup gets the certificate from an ACME CA over HTTP-01', async () => {
    // Pebble on the host's side of the VServer's link; its DNS sends every name to the VServer,
    // where nginx serves certbot's webroot on port 80.
    const pebble = await startPebble(work, HOST_ADDRESS, VSERVER_ADDRESS);
    try {
      await writeFile(join(vserver!.root, 'var/tmp/pebble-ca.pem'), pebble.endpointCa);
      const flags = [
        ...SETUP_FLAGS.filter((flag) => flag !== 'self-signed' && flag !== '--tls'),
        ...['--tls', 'certbot', '--acme-server', pebble.directory],
        ...['--acme-email', `vorstand@${DOMAIN}`],
      ];
      // certbot (python-requests) trusts the test CA's endpoint through this variable only.
      const certbot = ['env', 'REQUESTS_CA_BUNDLE=/var/tmp/pebble-ca.pem', 'treff', 'setup'];
      const setup = await vserver!.exec([...certbot, ...flags], { timeoutMs: 300_000 });
      assert.equal(setup.code, 0, `treff setup --tls certbot:\n${setup.stdout}${setup.stderr}`);
      // nginx now shows the certificate Pebble issued, chained to Pebble's root.
      const served = await fetchCertificate();
      const issuer = await must('openssl', ['x509', '-noout', '-issuer'], { input: served });
      assert.match(issuer, /Pebble/i, 'issued by the ACME CA, not the placeholder');
      const root = join(work, 'pebble-root.pem');
      await writeFile(root, await pebble.issuingRoot());
      const page = await must('curl', [
        ...['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', root],
        ...['--resolve', `${DOMAIN}:443:${VSERVER_ADDRESS}`, `https://${DOMAIN}/datenschutz`],
      ]);
      assert.equal(page, '200', 'the policy over a certificate a client can verify');
      // certbot renews from the same CA; the renewal file is what makes a re-run a no-op.
      const renewal = await inside(['cat', `/etc/letsencrypt/renewal/${DOMAIN}.conf`]);
      assert.match(renewal, new RegExp(`server = ${pebble.directory.replace(/[.]/g, '\\.')}`));
      const again = await vserver!.exec([...certbot, ...flags], { timeoutMs: 300_000 });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(
        filesIn(again.stdout),
        [],
        `the second certbot run writes nothing:\n${again.stdout}`,
      );
      const doctor = await vserver!.exec(['treff', 'doctor', '--config', CONFIG]);
      assert.equal(doctor.code, 0, doctor.stdout);
    } finally {
      await pebble.stop();
    }
  });

  async function fetchCertificate(): Promise<string> {
    const shown = await runLong(
      'openssl',
      ['s_client', '-connect', `${VSERVER_ADDRESS}:443`, '-servername', DOMAIN],
      { input: '', timeoutMs: 30_000 },
    );
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
      shown.stdout,
    )?.[0];
    assert.ok(pem, `nginx shows a certificate for ${DOMAIN}: ${shown.stderr}`);
    return `${pem}\n`;
  }

  async function certFile(): Promise<string> {
    const path = join(work, 'server.pem');
    await writeFile(path, serverCert);
    return path;
  }

  /** Waits until the member's INBOX holds `count` messages; returns the last one. */
  async function waitForImap(count: number): Promise<string> {
    const url = `imaps://${DOMAIN}/INBOX`;
    for (let i = 0; i < 50; i++) {
      const status = await runLong('curl', [
        '-sS',
        '--cacert',
        await certFile(),
        '--resolve',
        `${DOMAIN}:993:${VSERVER_ADDRESS}`,
        url,
        '-u',
        `${MEMBER}:${PASSWORD}`,
        '-X',
        'STATUS INBOX (MESSAGES)',
      ]);
      const messages = Number(/MESSAGES (\d+)/.exec(status.stdout)?.[1] ?? '0');
      if (messages >= count) {
        const message = await must('curl', [
          '-sS',
          '--cacert',
          await certFile(),
          '--resolve',
          `${DOMAIN}:993:${VSERVER_ADDRESS}`,
          `${url};MAILINDEX=${count}`,
          '-u',
          `${MEMBER}:${PASSWORD}`,
        ]);
        return message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // What the mail daemons said: the one place that tells a refused login from a lost delivery.
    const journal = await vserver?.exec([
      'journalctl',
      '--no-pager',
      '-o',
      'cat',
      '-n',
      '60',
      '-u',
      'postfix@-',
      '-u',
      'dovecot',
    ]);
    throw new Error(
      `the INBOX of ${MEMBER} did not reach ${count} messages over IMAPS; the mail log:\n${journal?.stdout ?? ''}`,
    );
  }
});

/** What setup's output says it changes: its `write PATH`, `mkdir PATH` and `remove PATH` lines. */
function filesIn(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /^(write|mkdir|remove) (\/\S*)$/.exec(line.trim());
    if (match) paths.add(`${match[1] ?? ''} ${match[2] ?? ''}`);
  }
  return [...paths].sort();
}

/**
 * The files a run wrote and removed again (the policy-rc.d that holds the daemons back during
 * apt-get): no change, and a dry run, which removes nothing, cannot show the removal.
 */
function transient(entries: readonly string[]): Set<string> {
  const paths = entries.map((entry) => entry.split(' ')[1] ?? '');
  return new Set(
    paths.filter((path) => entries.includes(`write ${path}`) && entries.includes(`remove ${path}`)),
  );
}

/** Every file under `root` with its size and mtime (what a dry run must leave as it was). */
async function snapshot(root: string): Promise<Map<string, string>> {
  const listing = await must('find', [root, '-xdev', '-printf', '%P\t%s %T@\n'], {
    timeoutMs: 120_000,
  });
  const map = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const [path, stat] = line.split('\t');
    if (path) map.set(`/${path}`, stat ?? '');
  }
  return map;
}
