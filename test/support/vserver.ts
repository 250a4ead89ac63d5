import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Outcome } from './gnupg.ts';
import { requireTool } from './integration.ts';

/**
 * A fresh Debian 13 "VServer" for the setup's end-to-end test, as a package checker would make
 * one: a root from `debootstrap --variant=minbase trixie` plus systemd (a VServer boots with it),
 * booted with `systemd-nspawn --boot` in its own network namespace with its own address; the host
 * reaches it over a veth pair. The Debian packages `treff setup` installs are fetched into the
 * root's apt cache beforehand, from the host's network: inside, the VServer has no route to the
 * Internet, and apt installs from its cache (`apt-get update` only warns there).
 *
 * systemd-nspawn is the host's (Debian 12, systemd 252), the container's init is trixie's
 * systemd 257. On this cgroup-v1 hybrid host, 257 refuses the legacy hierarchy; with
 * SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 nspawn gives it a cgroup-v2 tree and it boots. Without
 * D-Bus on the host there is no machined: `--register=no --keep-unit`, and commands enter the
 * container with nsenter into all of its init's namespaces.
 */

export const SUITE = 'trixie';
export const MIRROR = 'http://deb.debian.org/debian';
/**
 * Names unique to this test (the branch that made it): namespace, veth ends. Two runs at once on
 * one host (two checkouts) each set TREFF_E2E_NET (a short name prefix) and TREFF_E2E_SUBNET (the
 * third octet of 10.231.x.0/24).
 */
const NET = process.env['TREFF_E2E_NET'] ?? 'setup-e2e';
const SUBNET = process.env['TREFF_E2E_SUBNET'] ?? '0';
export const NETNS = `${NET}-vs`;
const HOST_LINK = `${NET}-h`;
const VSERVER_LINK = `${NET}-v`;
export const HOST_ADDRESS = `10.231.${SUBNET}.1`;
export const VSERVER_ADDRESS = `10.231.${SUBNET}.2`;

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Packages fetched into the apt cache: systemd (the VServer's init, installed into the base
 * root) and what `treff setup` and the treff package need (src/setup/packages.ts lists the
 * daemons; nodejs and ca-certificates are the package's dependencies).
 */
export const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus'];
export const SETUP_PACKAGES = [
  'nodejs',
  'ca-certificates',
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
  'coturn',
  'openssh-server',
  'certbot',
];

/** Why the fresh-root test cannot run here, or undefined (fails under TREFF_REQUIRE_INTEGRATION). */
export function vserverMissing(): string | undefined {
  return (
    requireTool('/usr/sbin/debootstrap', 'debootstrap') ??
    requireTool('/usr/bin/systemd-nspawn', 'systemd-nspawn (systemd-container)') ??
    requireTool('/usr/bin/nsenter', 'nsenter (util-linux)') ??
    requireTool('/usr/sbin/ip', 'ip (iproute2)') ??
    requireTool('/usr/bin/dpkg-deb', 'dpkg-deb (dpkg)') ??
    requireTool('/usr/bin/fakeroot', 'fakeroot') ??
    (process.getuid?.() === 0 ? undefined : needsRoot())
  );
}

function needsRoot(): string | undefined {
  const reason = 'needs root (debootstrap, network namespaces, systemd-nspawn)';
  if (process.env['TREFF_REQUIRE_INTEGRATION'] === '1')
    throw new Error(`${reason} (TREFF_REQUIRE_INTEGRATION=1 forbids skipping)`);
  return reason;
}

/** Runs a command and throws with its output unless it exits 0; `timeoutMs` default 10 min. */
export async function must(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const outcome = await runLong(command, args, options);
  if (outcome.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${outcome.code}:\n${outcome.stdout}\n${outcome.stderr}`,
    );
  }
  return outcome.stdout;
}

/** gnupg.ts's run with a longer time limit (debootstrap, apt and setup take minutes). */
export function runLong(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<Outcome> {
  return run(command, args, { ...options, timeoutMs: options.timeoutMs ?? 600_000 });
}

/** Where the base root is kept for the second use in the same run (and, on a laptop, longer). */
export function cacheDir(): string {
  return process.env['TREFF_E2E_CACHE'] ?? join(tmpdir(), 'treff-e2e-cache');
}

/**
 * The base root: minbase trixie with systemd, every package the setup needs in its apt cache.
 * Made once (debootstrap, or a copy of TREFF_E2E_MINBASE, an existing minbase root) and kept
 * under cacheDir() for a day; a marker records the package list it was made for.
 */
export async function baseRoot(): Promise<string> {
  // Two test files may ask at once (the setup test, the Dovecot 2.4 test): one makes it.
  await mkdir(cacheDir(), { recursive: true });
  const lock = join(cacheDir(), `${SUITE}-base.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      await new Promise((done) => setTimeout(done, 2000));
    }
  }
  try {
    return await makeBaseRoot();
  } finally {
    await rmdir(lock);
  }
}

async function makeBaseRoot(): Promise<string> {
  const dir = join(cacheDir(), `${SUITE}-base`);
  const marker = join(dir, '.treff-e2e-base');
  const wanted = [...BASE_PACKAGES, ...SETUP_PACKAGES].join(' ');
  // Reused within a day (a CI run's second use, a laptop's reruns); then Debian's archive moved on.
  if (existsSync(marker) && Date.now() - (await stat(marker)).mtimeMs < 86_400_000) {
    if ((await readFile(marker, 'utf8')) === wanted) return dir;
  }
  await mkdir(cacheDir(), { recursive: true });
  const work = `${dir}.new`;
  await removeRoot(work);
  const minbase = process.env['TREFF_E2E_MINBASE'];
  if (minbase) await must('cp', ['-a', minbase, work]);
  else await must('debootstrap', ['--variant=minbase', SUITE, work, MIRROR]);
  await writeFile(join(work, 'etc/resolv.conf'), await hostResolvConf());
  const apt = (args: string[]) =>
    inChroot(work, ['apt-get', '-q', '-y', '--no-install-recommends', ...args]);
  await inChroot(work, ['apt-get', '-q', 'update']);
  await apt(['install', ...BASE_PACKAGES]);
  await apt(['install', '--download-only', ...SETUP_PACKAGES]);
  // A VServer's own files: no resolver (the VServer has no DNS in the test), a hostname.
  await writeFile(join(work, 'etc/resolv.conf'), '');
  await writeFile(join(work, 'etc/hostname'), 'vserver\n');
  await writeFile(join(work, '.treff-e2e-base'), wanted);
  await removeRoot(dir);
  await rename(work, dir);
  return dir;
}

async function hostResolvConf(): Promise<string> {
  return readFile('/etc/resolv.conf', 'utf8');
}

/**
 * Runs a command in a chroot with /proc, /sys, /dev and /dev/pts mounted, unmounting them
 * afterwards whatever happens (the host network: only for preparing the base root).
 */
export async function inChroot(root: string, argv: readonly string[]): Promise<string> {
  const mounts: string[] = [];
  try {
    for (const [type, source, target] of [
      ['proc', 'proc', 'proc'],
      ['bind', '/sys', 'sys'],
      ['bind', '/dev', 'dev'],
      ['bind', '/dev/pts', 'dev/pts'],
    ] as const) {
      const at = join(root, target);
      await must('mount', type === 'proc' ? ['-t', 'proc', source, at] : ['--bind', source, at]);
      mounts.unshift(at);
    }
    return await must('chroot', [
      root,
      ...['env', '-i', `PATH=${PATH}`, 'DEBIAN_FRONTEND=noninteractive', 'LANG=C.UTF-8'],
      ...argv,
    ]);
  } finally {
    for (const at of mounts) await runLong('umount', ['-l', at]);
  }
}

/** A copy of the base root (a fresh VServer's disk). */
export async function freshRoot(name: string): Promise<string> {
  const base = await baseRoot();
  const dir = join(cacheDir(), name);
  await removeRoot(dir);
  await must('cp', ['-a', '--reflink=auto', base, dir]);
  return dir;
}

/**
 * Removes a root directory, never crossing into another file system: should a mount inside it
 * have survived (a crashed run), the host's /dev or /sys below it stays untouched.
 */
export async function removeRoot(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await must('rm', ['-rf', '--one-file-system', dir]);
}

/** The VServer's network: its namespace and the veth pair; any leftover of a crashed run goes. */
export async function createNetwork(): Promise<void> {
  await removeNetwork();
  const ip = (...args: string[]) => must('ip', args);
  await ip('netns', 'add', NETNS);
  await ip('link', 'add', HOST_LINK, 'type', 'veth', 'peer', 'name', VSERVER_LINK);
  await ip('link', 'set', VSERVER_LINK, 'netns', NETNS);
  await ip('addr', 'add', `${HOST_ADDRESS}/24`, 'dev', HOST_LINK);
  await ip('link', 'set', HOST_LINK, 'up');
  await ip('-n', NETNS, 'addr', 'add', `${VSERVER_ADDRESS}/24`, 'dev', VSERVER_LINK);
  await ip('-n', NETNS, 'link', 'set', VSERVER_LINK, 'up');
  await ip('-n', NETNS, 'link', 'set', 'lo', 'up');
  await ip('-n', NETNS, 'route', 'add', 'default', 'via', HOST_ADDRESS);
}

export async function removeNetwork(): Promise<void> {
  await runLong('ip', ['link', 'del', HOST_LINK]);
  await runLong('ip', ['netns', 'del', NETNS]);
}

/** A booted VServer: commands run inside it as root, through nsenter. */
export interface VServer {
  root: string;
  /** The container's init (PID 1 inside), as seen from the host. */
  initPid: number;
  exec(
    argv: readonly string[],
    options?: { input?: string; timeoutMs?: number; env?: Record<string, string> },
  ): Promise<Outcome>;
  /** exec that throws unless it exits 0; returns stdout. */
  ok(argv: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Powers it off (clean shutdown by systemd, killed after 60 s). */
  shutdown(): Promise<void>;
}

/** Boots `root` with systemd-nspawn in the VServer's network namespace. */
export async function boot(root: string): Promise<VServer> {
  const nspawn: ChildProcess = spawn(
    'systemd-nspawn',
    [
      '--boot',
      '--register=no',
      '--keep-unit',
      '--quiet',
      `--network-namespace-path=/run/netns/${NETNS}`,
      '--hostname=vserver',
      '--directory',
      root,
    ],
    {
      env: { PATH, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1', TERM: 'dumb' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const stderr: Buffer[] = [];
  nspawn.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<void>((resolve) => {
    nspawn.once('exit', () => {
      resolve();
    });
  });
  const initPid = await findInit(nspawn, () => Buffer.concat(stderr).toString('utf8'));
  const exec: VServer['exec'] = (argv, options = {}) =>
    runLong(
      'nsenter',
      [
        '--target',
        String(initPid),
        '--all',
        '--root',
        '--wd',
        'env',
        '-i',
        `PATH=${PATH}`,
        'HOME=/root',
        'LANG=C.UTF-8',
        'DEBIAN_FRONTEND=noninteractive',
        ...Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
        ...argv,
      ],
      {
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      },
    );
  const server: VServer = {
    root,
    initPid,
    exec,
    async ok(argv, options = {}) {
      const outcome = await exec(argv, options);
      if (outcome.code !== 0)
        throw new Error(
          `inside the VServer: ${argv.join(' ')} exited ${outcome.code}:\n${outcome.stdout}\n${outcome.stderr}`,
        );
      return outcome.stdout;
    },
    async shutdown() {
      if (nspawn.exitCode !== null || nspawn.signalCode !== null) return;
      // nspawn turns SIGTERM into an orderly poweroff of the container's systemd.
      nspawn.kill('SIGTERM');
      const timer = setTimeout(() => {
        nspawn.kill('SIGKILL');
        try {
          process.kill(initPid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
  // Wait for the boot to end (running, or degraded when a unit failed: the test looks at it).
  // Until systemd has opened its socket, systemctl cannot connect: ask again.
  let state: Outcome = { code: 1, stdout: '', stderr: '' };
  for (let i = 0; i < 240 && !state.stdout.trim(); i++) {
    state = await exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 120_000 });
    if (!state.stdout.trim()) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!['running', 'degraded'].includes(state.stdout.trim())) {
    await server.shutdown();
    throw new Error(`the VServer did not boot: ${state.stdout}${state.stderr}`);
  }
  return server;
}

/** The container's init: nspawn's child once it runs systemd. */
async function findInit(nspawn: ChildProcess, stderr: () => string): Promise<number> {
  for (let i = 0; i < 300; i++) {
    if (nspawn.exitCode !== null) throw new Error(`systemd-nspawn exited: ${stderr()}`);
    const children = await readFile(
      `/proc/${nspawn.pid}/task/${nspawn.pid}/children`,
      'utf8',
    ).catch(() => '');
    for (const pid of children.trim().split(/\s+/).filter(Boolean)) {
      const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (comm.trim() === 'systemd') return Number(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`systemd did not start in the container: ${stderr()}`);
}
