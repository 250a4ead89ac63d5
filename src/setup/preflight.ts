import { readdir, readlink } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import type { Config } from '../core/config/load.ts';
import type { SetupKey } from './context.ts';
import type { Target } from './target.ts';

/** The preflight checks, each skippable by name (`--skip-check NAME`). */
export const CHECKS = ['os', 'memory', 'ports', 'dns'] as const;
export type CheckName = (typeof CHECKS)[number];

/** One verdict: `fail` stops setup, `warn` is printed and setup goes on. */
export interface Verdict {
  check: CheckName;
  level: 'ok' | 'warn' | 'fail' | 'skipped';
  key: SetupKey;
  params?: Record<string, string | number>;
}

/** The DNS lookups the dns check makes (node:dns, injectable for tests). */
export interface DnsLookups {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

/** What the checks read besides the target's files. */
export interface PreflightDeps {
  nodeVersion: string;
  dns: DnsLookups;
  /** This machine's public addresses. */
  addresses: readonly string[];
}

/** The real lookups and addresses: a resolver with a short timeout, the non-loopback interfaces. */
export function livePreflightDeps(): PreflightDeps {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((entry) => !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry.address);
  return {
    nodeVersion: process.versions.node,
    dns: {
      resolve4: (name) => resolver.resolve4(name),
      resolve6: (name) => resolver.resolve6(name),
      resolveMx: (name) => resolver.resolveMx(name),
    },
    addresses,
  };
}

/** Runs every check not skipped, in order. */
export async function runPreflight(
  target: Target,
  config: Config,
  skip: ReadonlySet<CheckName>,
  deps: PreflightDeps,
): Promise<Verdict[]> {
  const checks: Record<CheckName, () => Promise<Verdict[]>> = {
    os: async () => [await checkOs(target, deps.nodeVersion)],
    memory: async () => [await checkMemory(target)],
    ports: () => checkPorts(target, config),
    dns: () => checkDns(config, deps),
  };
  const verdicts: Verdict[] = [];
  for (const name of CHECKS) {
    if (skip.has(name))
      verdicts.push({ check: name, level: 'skipped', key: 'setup.check.skipped' });
    else verdicts.push(...(await checks[name]()));
  }
  return verdicts;
}

/** Debian 12 or 13; on 12 only with a Node.js of at least 20.19 (Debian 12's own is 18). */
export async function checkOs(target: Target, nodeVersion: string): Promise<Verdict> {
  const text = (await target.read('/etc/os-release')) ?? (await target.read('/usr/lib/os-release'));
  const field = (name: string) =>
    new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(text ?? '')?.[1] ?? '';
  const id = field('ID');
  const version = field('VERSION_ID');
  const found = field('PRETTY_NAME') || id || '?';
  if (id !== 'debian' || !['12', '13'].includes(version))
    return { check: 'os', level: 'fail', key: 'setup.check.os.unsupported', params: { found } };
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    return {
      check: 'os',
      level: 'fail',
      key: 'setup.check.os.node',
      params: { found, node: nodeVersion },
    };
  return { check: 'os', level: 'ok', key: 'setup.check.os.ok', params: { found } };
}

const GIB = 1024 * 1024 * 1024;

/** At least 1 GiB of memory; less is a warning (everything fits, but nothing more). */
export async function checkMemory(target: Target): Promise<Verdict> {
  const kib = Number(
    /^MemTotal:\s+(\d+) kB/m.exec((await target.read('/proc/meminfo')) ?? '')?.[1],
  );
  if (!Number.isFinite(kib) || kib === 0)
    return { check: 'memory', level: 'warn', key: 'setup.check.memory.unknown' };
  const mib = Math.round(kib / 1024);
  if (kib * 1024 < GIB)
    return { check: 'memory', level: 'warn', key: 'setup.check.memory.low', params: { mib } };
  return { check: 'memory', level: 'ok', key: 'setup.check.memory.ok', params: { mib } };
}

/** The standard ports of the declared services (STUN is UDP). */
export function declaredPorts(config: Config): { port: number; udp: boolean }[] {
  const s = config.services;
  const tcp = [
    ...(s.shell ? [22] : []),
    ...(s.mail ? [25, 587, 993] : []),
    ...(s.website ? [80, 443] : []),
    ...(s.xmpp ? [5222, 5269] : []),
  ];
  return [
    ...tcp.map((port) => ({ port, udp: false })),
    ...(s.jitsi ? [{ port: 3478, udp: true }] : []),
  ];
}

/**
 * Process names (`comm`) of the daemons treff manages and of the children that inherit their
 * listening sockets: a port they hold is theirs already (a re-run). Postfix's master hands its
 * sockets to smtpd and postscreen, Dovecot's to its login and lmtp processes, OpenSSH 10's sshd
 * to sshd-session; Prosody runs as its Lua interpreter. treff itself (node) holds no standard port.
 */
const MANAGED = new Set([
  'sshd',
  'sshd-session',
  'master',
  'smtpd',
  'postscreen',
  'nginx',
  'dovecot',
  'imap-login',
  'submission-login',
  'lmtp',
  'prosody',
  'turnserver',
  'lua5.4',
  'lua5.3',
  'lua5.2',
  'lua5.1',
]);

/**
 * Every declared port must be free or held by a daemon treff manages. Reads /proc/net/{tcp,
 * tcp6,udp,udp6} and maps socket inodes to processes through /proc/PID/fd (no iproute2 needed).
 */
export async function checkPorts(target: Target, config: Config): Promise<Verdict[]> {
  const listeners = await readListeners(target);
  const owners = await socketOwners(target);
  const verdicts: Verdict[] = [];
  for (const { port, udp } of declaredPorts(config)) {
    const held = listeners.filter((entry) => entry.port === port && entry.udp === udp);
    // A socket is ours when a managed daemon holds it, whatever else inherited it.
    const holders = held.map((entry) => [...(owners.get(entry.inode) ?? ['?'])]);
    const names = [...new Set(holders.flat())].sort();
    const foreign = [
      ...new Set(holders.filter((comms) => !comms.some((name) => MANAGED.has(name))).flat()),
    ].sort();
    const proto = udp ? 'udp' : 'tcp';
    if (foreign.length > 0)
      verdicts.push({
        check: 'ports',
        level: 'fail',
        key: 'setup.check.ports.busy',
        params: { port, proto, process: foreign.join(', ') },
      });
    else if (names.length > 0)
      verdicts.push({
        check: 'ports',
        level: 'ok',
        key: 'setup.check.ports.ours',
        params: { port, proto, process: names.join(', ') },
      });
  }
  if (verdicts.every((verdict) => verdict.level !== 'fail'))
    verdicts.push({
      check: 'ports',
      level: 'ok',
      key: 'setup.check.ports.ok',
      params: { count: declaredPorts(config).length },
    });
  return verdicts;
}

interface Listener {
  port: number;
  udp: boolean;
  inode: string;
}

async function readListeners(target: Target): Promise<Listener[]> {
  const listeners: Listener[] = [];
  for (const file of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const udp = file.startsWith('udp');
    const text = (await target.read(`/proc/net/${file}`)) ?? '';
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (!local || !inode) continue;
      // TCP: only listening sockets (0A); UDP: every bound, unconnected socket (07).
      if (state !== (udp ? '07' : '0A')) continue;
      const port = Number.parseInt(local.split(':')[1] ?? '', 16);
      if (Number.isInteger(port)) listeners.push({ port, udp, inode });
    }
  }
  return listeners;
}

/** socket inode → the `comm` of every process holding it. */
async function socketOwners(target: Target): Promise<Map<string, Set<string>>> {
  const owners = new Map<string, Set<string>>();
  let pids: string[];
  try {
    pids = (await readdir(target.path('/proc'))).filter((name) => /^\d+$/.test(name));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(target.path(`/proc/${pid}/fd`));
    } catch {
      continue;
    }
    const comm = ((await target.read(`/proc/${pid}/comm`)) ?? '?').trim();
    for (const fd of fds) {
      const link = await readlink(target.path(`/proc/${pid}/fd/${fd}`)).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) owners.set(inode, (owners.get(inode) ?? new Set()).add(comm));
    }
  }
  return owners;
}

/** The names clients will look up, with the record they need. */
export function declaredNames(config: Config): { name: string; mx: boolean }[] {
  const s = config.services;
  const names = new Set<string>(
    [
      s.website?.domain,
      s.xmpp?.domain,
      s.xmpp?.muc.domain,
      s.xmpp?.upload.domain,
      s.shell?.host,
      s.jitsi?.domain,
    ].filter((name): name is string => typeof name === 'string'),
  );
  return [
    ...[...names].map((name) => ({ name, mx: false })),
    ...(s.mail ? [{ name: s.mail.domain, mx: true }] : []),
  ];
}

/** A/AAAA of every declared name (MX for the mail domain) must point at this machine. */
export async function checkDns(config: Config, deps: PreflightDeps): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  const mine = new Set(deps.addresses);
  for (const { name, mx } of declaredNames(config)) {
    const hosts = mx
      ? (await deps.dns.resolveMx(name).catch(() => [])).map((record) => record.exchange)
      : [name];
    if (hosts.length === 0) {
      verdicts.push({
        check: 'dns',
        level: 'fail',
        key: 'setup.check.dns.noMx',
        params: { name, address: deps.addresses[0] ?? '?' },
      });
      continue;
    }
    const found = (
      await Promise.all(
        hosts.map(async (host) => [
          ...(await deps.dns.resolve4(host).catch(() => [])),
          ...(await deps.dns.resolve6(host).catch(() => [])),
        ]),
      )
    ).flat();
    const record = mx ? `MX ${hosts.join(', ')}` : 'A/AAAA';
    if (found.length === 0)
      verdicts.push({
        check: 'dns',
        level: 'fail',
        key: 'setup.check.dns.missing',
        params: { name, record, address: deps.addresses[0] ?? '?' },
      });
    else if (!found.some((address) => mine.has(address)))
      verdicts.push({
        check: 'dns',
        level: 'fail',
        key: 'setup.check.dns.elsewhere',
        params: { name, record, found: found.join(', '), mine: deps.addresses.join(', ') || '?' },
      });
    else
      verdicts.push({
        check: 'dns',
        level: 'ok',
        key: 'setup.check.dns.ok',
        params: { name, record },
      });
  }
  return verdicts;
}
