import assert from 'node:assert/strict';
import { readFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../core/config/load.ts';
import { CONFIG_FILE, createDeclaration, TEMPLATE } from './declaration.ts';
import {
  checkDns,
  checkMemory,
  checkOs,
  checkPorts,
  runPreflight,
  type PreflightDeps,
} from './preflight.ts';
import { INSTALL_DIR } from './setup.cli.ts';
import { Target } from './target.ts';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function root(files: Record<string, string>): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'treff-preflight-'));
  roots.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return new Target(dir);
}

async function config(jitsi = false) {
  const template = await readFile(join(INSTALL_DIR, TEMPLATE), 'utf8');
  const text = createDeclaration(template, {
    domain: 'club.example',
    clubName: 'Club e.V.',
    adminMail: 'board@elsewhere.example',
    databaseUrl: 'sqlite:/var/lib/treff/treff.db',
    jitsiDomain: jitsi ? 'meet.club.example' : undefined,
  });
  return parseConfig(text, CONFIG_FILE);
}

const osRelease = (id: string, version: string) =>
  `PRETTY_NAME="${id} ${version}"\nID=${id}\nVERSION_ID="${version}"\n`;

test('accepts Debian 13, and Debian 12 only with a Node.js of at least 20.19', async () => {
  const trixie = await root({ '/etc/os-release': osRelease('debian', '13') });
  assert.equal((await checkOs(trixie, '20.19.2')).level, 'ok');
  const bookworm = await root({ '/etc/os-release': osRelease('debian', '12') });
  const old = await checkOs(bookworm, '18.20.4');
  assert.equal(old.level, 'fail');
  assert.equal(old.key, 'setup.check.os.node');
  assert.equal((await checkOs(bookworm, '22.1.0')).level, 'ok');
  const ubuntu = await root({ '/etc/os-release': osRelease('ubuntu', '24.04') });
  assert.equal((await checkOs(ubuntu, '22.1.0')).key, 'setup.check.os.unsupported');
  assert.equal((await checkOs(await root({}), '22.1.0')).level, 'fail');
});

test('warns under 1 GiB of memory and goes on', async () => {
  const small = await checkMemory(await root({ '/proc/meminfo': 'MemTotal:         524288 kB\n' }));
  assert.deepEqual([small.level, small.params], ['warn', { mib: 512 }]);
  const enough = await checkMemory(
    await root({ '/proc/meminfo': 'MemTotal:        2097152 kB\n' }),
  );
  assert.equal(enough.level, 'ok');
});

/** A /proc/net/tcp line for a socket listening on `port` with `inode`. */
const tcpLine = (port: number, inode: number, state = '0A') =>
  `   0: 00000000:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
const HEAD =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

async function withProcess(target: Target, pid: number, comm: string, inode: number) {
  await mkdir(target.path(`/proc/${pid}/fd`), { recursive: true });
  await writeFile(target.path(`/proc/${pid}/comm`), `${comm}\n`);
  await symlink(`socket:[${inode}]`, target.path(`/proc/${pid}/fd/3`));
}

test('fails on a port held by another program, naming it, and accepts one held by a managed daemon', async () => {
  const target = await root({
    '/proc/net/tcp': `${HEAD}${tcpLine(80, 1111)}\n${tcpLine(25, 2222)}\n${tcpLine(443, 3333, '01')}\n`,
    '/proc/net/tcp6': HEAD,
  });
  await withProcess(target, 4242, 'apache2', 1111);
  // Postfix's master and the smtpd it forked share the listening socket.
  await withProcess(target, 77, 'master', 2222);
  await withProcess(target, 78, 'smtpd', 2222);
  const verdicts = await checkPorts(target, await config());
  assert.deepEqual(
    verdicts.map((verdict) => [
      verdict.level,
      verdict.key,
      verdict.params?.['port'],
      verdict.params?.['process'],
    ]),
    [
      ['ok', 'setup.check.ports.ours', 25, 'master, smtpd'],
      ['fail', 'setup.check.ports.busy', 80, 'apache2'],
    ],
  );
});

test('accepts ports held by the children of managed daemons, by their real process names', async () => {
  const ports = [22, 25, 587, 993, 80, 443, 5222, 5269];
  const target = await root({
    '/proc/net/tcp': `${HEAD}${ports.map((port, i) => tcpLine(port, 100 + i)).join('\n')}\n`,
    '/proc/net/tcp6': HEAD,
  });
  // As on a Debian 13 VServer after the first setup: what holds each socket there.
  const comms = ['sshd', 'smtpd', 'smtpd', 'imap-login', 'nginx', 'nginx', 'lua5.4', 'lua5.4'];
  for (const [i, comm] of comms.entries()) await withProcess(target, 500 + i, comm, 100 + i);
  const verdicts = await checkPorts(target, await config());
  assert.deepEqual(
    verdicts.filter((verdict) => verdict.level !== 'ok'),
    [],
  );
  assert.equal(verdicts.filter((verdict) => verdict.key === 'setup.check.ports.ours').length, 8);
});

test('checks the STUN port over UDP only when Jitsi is declared', async () => {
  const udp = `${HEAD}   0: 00000000:0D96 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5555 2 0000000000000000 0\n`;
  const target = await root({ '/proc/net/udp': udp });
  await withProcess(target, 9, 'stund', 5555);
  assert.ok(
    (await checkPorts(target, await config(false))).every((verdict) => verdict.level === 'ok'),
  );
  const busy = (await checkPorts(target, await config(true))).filter(
    (verdict) => verdict.level === 'fail',
  );
  assert.deepEqual(
    busy.map((verdict) => verdict.params),
    [{ port: 3478, proto: 'udp', process: 'stund' }],
  );
});

function dns(
  records: Record<string, string[]>,
  mx: Record<string, string[]> = {},
): PreflightDeps['dns'] {
  const look = (name: string) =>
    records[name] ? Promise.resolve(records[name]) : Promise.reject(new Error('ENOTFOUND'));
  return {
    resolve4: (name) => look(name).then((list) => list.filter((address) => !address.includes(':'))),
    resolve6: (name) => look(name).then((list) => list.filter((address) => address.includes(':'))),
    resolveMx: (name) =>
      mx[name]
        ? Promise.resolve(mx[name].map((exchange) => ({ exchange, priority: 10 })))
        : Promise.reject(new Error('ENODATA')),
  };
}

test('names the DNS record that is missing or points elsewhere, with the record to add', async () => {
  const deps = (
    records: Record<string, string[]>,
    mx: Record<string, string[]>,
  ): PreflightDeps => ({
    nodeVersion: '22.0.0',
    dns: dns(records, mx),
    addresses: ['192.0.2.10', '2001:db8::10'],
  });
  const verdicts = await checkDns(
    await config(),
    deps(
      {
        'club.example': ['192.0.2.10'],
        'conference.club.example': ['198.51.100.7'],
        'mx.club.example': ['2001:db8::10'],
      },
      { 'club.example': ['mx.club.example'] },
    ),
  );
  const byName = Object.fromEntries(
    verdicts.map((verdict) => [
      `${String(verdict.params?.['name'])} ${verdict.params?.['record'] ?? ''}`,
      verdict,
    ]),
  );
  assert.equal(byName['club.example A/AAAA']?.level, 'ok');
  assert.equal(byName['conference.club.example A/AAAA']?.key, 'setup.check.dns.elsewhere');
  assert.equal(byName['upload.club.example A/AAAA']?.key, 'setup.check.dns.missing');
  assert.equal(byName['upload.club.example A/AAAA']?.params?.['address'], '192.0.2.10');
  assert.equal(byName['club.example MX mx.club.example']?.level, 'ok');
  const noMx = await checkDns(await config(), deps({ 'club.example': ['192.0.2.10'] }, {}));
  assert.ok(noMx.some((verdict) => verdict.key === 'setup.check.dns.noMx'));
});

test('skips exactly the checks named', async () => {
  const target = await root({ '/etc/os-release': osRelease('ubuntu', '24.04') });
  const verdicts = await runPreflight(target, await config(), new Set(['os', 'dns']), {
    nodeVersion: '22.0.0',
    dns: dns({}),
    addresses: [],
  });
  assert.deepEqual(
    verdicts
      .filter((verdict) => verdict.check === 'os' || verdict.check === 'dns')
      .map((verdict) => verdict.level),
    ['skipped', 'skipped'],
  );
  assert.equal(verdicts.find((verdict) => verdict.check === 'memory')?.level, 'warn');
});
