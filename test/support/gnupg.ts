import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { connect, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { requireTool } from './integration.ts';

/**
 * Real GnuPG for tests: throwaway GNUPGHOMEs, key generation, OpenPGP packet splitting, and a
 * network namespace in which gpg, gpg-wks-client and Node's fetch reach treff over HTTPS with a
 * system-trusted test CA, as on a real server (wkd.md §2.2): gpg uses only the system CA store
 * for WKD, so the CA bundle, /etc/hosts and /etc/resolv.conf are bind-mounted in a private
 * mount and network namespace that has nothing but its own loopback. Nothing on the host
 * changes; every process started inside is ended with the namespace's command.
 */

const exec = promisify(execFile);

export const GPG = '/usr/bin/gpg';
export const GPGCONF = '/usr/bin/gpgconf';
export const WKS_CLIENT = '/usr/lib/gnupg/gpg-wks-client';

/** Why the GnuPG tests cannot run here, or undefined. Fails under TREFF_REQUIRE_INTEGRATION=1. */
export function gnupgMissing(): string | undefined {
  return (
    requireTool(GPG, 'GnuPG (gnupg)') ??
    requireTool(GPGCONF, 'gpgconf (gpgconf)') ??
    requireTool(WKS_CLIENT, 'gpg-wks-client (gpg-wks-client)')
  );
}

/** Why the namespace tests cannot run here (tools or root), or undefined. */
export function namespaceMissing(): string | undefined {
  return (
    gnupgMissing() ??
    requireTool('/usr/bin/unshare', 'unshare (util-linux)') ??
    requireTool('/usr/sbin/ip', 'ip (iproute2)') ??
    requireTool('/usr/bin/openssl', 'openssl') ??
    requireTool('/usr/bin/dirmngr', 'dirmngr') ??
    (process.getuid?.() === 0 ? undefined : 'needs root (mount and network namespaces)')
  );
}

/** The outcome of a command. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command (60 s at most, or `timeoutMs`) and returns its exit code and output; never
 * throws on exit.
 */
export function run(
  command: string,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    input?: string | Uint8Array;
    cwd?: string;
    timeoutMs?: number;
  } = {},
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read its input may exit before we write it (EPIPE): harmless.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A throwaway GnuPG home (short path: agent sockets have a length limit). */
export interface GnupgHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs gpg in batch mode with an empty passphrase allowed. */
  gpg(args: readonly string[], input?: string | Uint8Array): Promise<Outcome>;
  /** Like gpg() but throws unless it exits 0; returns stdout. */
  gpgOk(args: readonly string[], input?: string | Uint8Array): Promise<string>;
  /** Ends its agent and dirmngr and removes the directory. */
  remove(): Promise<void>;
}

/** Creates a fresh GNUPGHOME in /tmp. */
export async function gnupgHome(): Promise<GnupgHome> {
  const dir = await mkdtemp('/tmp/g.');
  await chmod(dir, 0o700);
  const env = { GNUPGHOME: dir, LC_ALL: 'C' };
  const gpg = (args: readonly string[], input?: string | Uint8Array) =>
    run(GPG, ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      env,
      ...(input === undefined ? {} : { input }),
    });
  return {
    dir,
    env,
    gpg,
    async gpgOk(args, input) {
      const outcome = await gpg(args, input);
      if (outcome.code !== 0)
        throw new Error(`gpg ${args.join(' ')} failed: ${outcome.stderr.trim()}`);
      return outcome.stdout;
    },
    async remove() {
      await run(GPGCONF, ['--kill', 'all'], { env });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Generates an Ed25519/Cv25519 key (`future-default`) without passphrase; returns its fingerprint. */
export async function generateGpgKey(
  home: GnupgHome,
  userId: string,
  expire = '0',
): Promise<string> {
  await home.gpgOk(['--quick-gen-key', userId, 'future-default', 'default', expire]);
  return fingerprintOf(home, userId);
}

/** The fingerprint of the (first) key matching `query`. */
export async function fingerprintOf(home: GnupgHome, query: string): Promise<string> {
  const listing = await home.gpgOk(['--with-colons', '--list-keys', query]);
  const line = listing.split('\n').find((l) => l.startsWith('fpr:'));
  const fingerprint = line?.split(':')[9];
  if (!fingerprint) throw new Error(`no key for ${query}`);
  return fingerprint;
}

/** One OpenPGP packet: its tag and body, header format aside (RFC 4880 §4.2). */
export interface Packet {
  tag: number;
  body: string;
}

/**
 * Splits binary OpenPGP data into packets. Comparing tags and bodies ignores the header
 * format, in which OpenPGP.js (new format) and GnuPG (old format) differ (wkd.md §3).
 */
export function packets(data: Uint8Array): Packet[] {
  const bytes = Buffer.from(data);
  const result: Packet[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at] ?? 0;
    if ((first & 0x80) === 0) throw new Error(`not a packet header at ${at}`);
    let tag: number;
    let length: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      const octet = bytes[at + 1] ?? 0;
      if (octet < 192) {
        length = octet;
        at += 2;
      } else if (octet < 224) {
        length = ((octet - 192) << 8) + (bytes[at + 2] ?? 0) + 192;
        at += 3;
      } else if (octet === 255) {
        length = bytes.readUInt32BE(at + 2);
        at += 6;
      } else {
        throw new Error('partial body lengths do not occur in keys');
      }
    } else {
      tag = (first >> 2) & 0x0f;
      const type = first & 3;
      if (type === 0) {
        length = bytes[at + 1] ?? 0;
        at += 2;
      } else if (type === 1) {
        length = bytes.readUInt16BE(at + 1);
        at += 3;
      } else if (type === 2) {
        length = bytes.readUInt32BE(at + 1);
        at += 5;
      } else {
        throw new Error('indeterminate lengths do not occur in keys');
      }
    }
    result.push({ tag, body: bytes.subarray(at, at + length).toString('hex') });
    at += length;
  }
  return result;
}

/** A test CA and a server certificate for `hosts`, made with openssl in `dir`. */
export async function makeCertificates(
  dir: string,
  hosts: readonly string[],
): Promise<{ caCert: string; cert: string; key: string }> {
  const at = (name: string) => join(dir, name);
  const openssl = async (args: string[]) => {
    const outcome = await run('/usr/bin/openssl', args, { cwd: dir });
    if (outcome.code !== 0) throw new Error(`openssl ${args[0] ?? ''}: ${outcome.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=treff WKD Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl([
    'req',
    ...ec,
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    `/CN=${hosts[0] ?? 'localhost'}`,
  ]);
  await writeFile(
    at('ext.cnf'),
    `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl([
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.crt'),
    '-days',
    '2',
    '-extfile',
    at('ext.cnf'),
  ]);
  return {
    caCert: at('ca.crt'),
    cert: await readFile(at('server.crt'), 'utf8'),
    key: await readFile(at('server.key'), 'utf8'),
  };
}

// Runs inside the namespace: a DNS stub that answers NXDOMAIN to everything (so the openpgpkey
// host and the SRV record do not exist unless /etc/hosts says so), a TCP forwarder from
// 127.0.0.1:443 to the HTTPS server's Unix socket outside, then the command. At the end every
// GnuPG daemon of the command's GNUPGHOME is ended.
const HELPER = `
import dgram from 'node:dgram';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
const [socketPath, ...command] = process.argv.slice(2);
const dns = dgram.createSocket('udp4');
dns.on('message', (query, peer) => {
  if (query.length < 12) return;
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end] + 1;
  end += 5;
  const reply = Buffer.from(query.subarray(0, Math.min(end, query.length)));
  reply[2] = 0x80 | (query[2] & 0x79);
  reply[3] = 0x80 | 3;
  reply.writeUInt16BE(1, 4);
  reply.writeUInt32BE(0, 6);
  reply.writeUInt16BE(0, 10);
  dns.send(reply, peer.port, peer.address);
});
const forward = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.pipe(upstream).pipe(client);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await Promise.all([
  new Promise((ok) => dns.bind(53, '127.0.0.1', ok)),
  new Promise((ok) => forward.listen(443, '127.0.0.1', ok)),
]);
const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  spawnSync('gpgconf', ['--kill', 'all'], { stdio: 'ignore' });
  process.exit(code ?? (signal ? 128 : 1));
});
`;

const SCRIPT = `#!/bin/sh
# $1 hosts file, $2 resolv.conf, $3 CA bundle, $4 helper, $5 socket, then the command.
set -e
ip link set lo up
mount --bind "$1" /etc/hosts
mount --bind "$2" /etc/resolv.conf
mount --bind "$3" /etc/ssl/certs/ca-certificates.crt
helper="$4"; socket="$5"; shift 5
exec "${process.execPath}" "$helper" "$socket" "$@"
`;

/** Treff (or any fetch handler) reachable over HTTPS inside a private network namespace. */
export interface WkdNamespace {
  /** The test CA's certificate (for NODE_EXTRA_CA_CERTS). */
  caCert: string;
  dir: string;
  /** Host names and paths of every request the server saw (no query strings). */
  requests: string[];
  /**
   * Runs a command in a fresh namespace. `advanced`: `openpgpkey.DOMAIN` resolves too, so
   * clients use the advanced method; otherwise only DOMAIN does (the direct method).
   */
  run(
    command: readonly string[],
    options?: { advanced?: boolean; env?: NodeJS.ProcessEnv; input?: string | Uint8Array },
  ): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * Serves `fetch` over HTTPS (certificate for DOMAIN and openpgpkey.DOMAIN from a fresh test
 * CA) on a Unix socket, which a forwarder inside each namespace exposes as 127.0.0.1:443.
 */
export async function startWkdNamespace(
  domain: string,
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<WkdNamespace> {
  const requests: string[] = [];
  const listener = getRequestListener(fetch);
  const namespace = await startWkdNamespaceFor(domain, async ({ dir, cert, key }) => {
    const server: Server = createServer(
      { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') },
      (request, response) => {
        requests.push(`${request.headers.host ?? ''}${(request.url ?? '').split('?')[0] ?? ''}`);
        void listener(request, response);
      },
    );
    const socket = join(dir, 'https.sock');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, resolve);
    });
    return {
      socket,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        server.closeAllConnections();
      },
    };
  });
  return { ...namespace, requests };
}

/**
 * The namespace around any HTTPS server on a Unix socket (nginx, in the export test): `listen`
 * gets the temp dir and the certificate files for DOMAIN and openpgpkey.DOMAIN and returns the
 * socket it serves on.
 */
export async function startWkdNamespaceFor(
  domain: string,
  listen: (paths: {
    dir: string;
    cert: string;
    key: string;
  }) => Promise<{ socket: string; close(): Promise<void> }>,
): Promise<WkdNamespace> {
  const dir = await mkdtemp('/tmp/wkd-ns.');
  const certs = await makeCertificates(dir, [domain, `openpgpkey.${domain}`]);
  const server = await listen({
    dir,
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
  });
  const sandbox = await prepareSandbox(
    dir,
    domain,
    await readFile(certs.caCert, 'utf8'),
    server.socket,
  );
  return {
    caCert: certs.caCert,
    dir,
    requests: [],
    run: sandbox.run,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A namespace runner: the files it binds, written into `dir`, and `run`. */
interface Sandbox {
  run: WkdNamespace['run'];
}

/**
 * Writes the namespace's files into `dir` (hosts files for the direct and the advanced method,
 * a resolv.conf pointing at the stub, the system CA bundle plus `caPem`, the helper and the
 * script) and returns the runner, whose 127.0.0.1:443 leads to the Unix socket `socket`.
 */
async function prepareSandbox(
  dir: string,
  domain: string,
  caPem: string,
  socket: string,
): Promise<Sandbox> {
  const bundle = join(dir, 'bundle.crt');
  await writeFile(
    bundle,
    `${await readFile('/etc/ssl/certs/ca-certificates.crt', 'utf8')}\n${caPem}`,
  );
  await writeFile(
    join(dir, 'hosts.advanced'),
    `127.0.0.1 localhost\n127.0.0.1 ${domain}\n127.0.0.1 openpgpkey.${domain}\n`,
  );
  await writeFile(join(dir, 'hosts.direct'), `127.0.0.1 localhost\n127.0.0.1 ${domain}\n`);
  await writeFile(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  await writeFile(join(dir, 'helper.mjs'), HELPER);
  await writeFile(join(dir, 'ns-run.sh'), SCRIPT, { mode: 0o755 });
  return {
    run(command, options = {}) {
      return run(
        '/usr/bin/unshare',
        [
          '--mount',
          '--net',
          '--propagation',
          'private',
          '/bin/sh',
          join(dir, 'ns-run.sh'),
          join(dir, options.advanced ? 'hosts.advanced' : 'hosts.direct'),
          join(dir, 'resolv.conf'),
          bundle,
          join(dir, 'helper.mjs'),
          socket,
          ...command,
        ],
        {
          ...(options.env ? { env: options.env } : {}),
          ...(options.input === undefined ? {} : { input: options.input }),
        },
      );
    },
  };
}

/** A private namespace whose `DOMAIN:443` is a TCP server elsewhere (a test VServer's nginx). */
export interface TcpWkdNamespace {
  run: WkdNamespace['run'];
  close(): Promise<void>;
}

/**
 * Like startWkdNamespace, but `DOMAIN:443` inside is forwarded byte for byte to `host:port`, so
 * TLS runs end to end between the client inside and that server, whose certificate `caPem`
 * (a CA or the self-signed certificate itself) is added to the system store inside.
 */
export async function startTcpWkdNamespace(
  domain: string,
  caPem: string,
  target: { host: string; port: number },
): Promise<TcpWkdNamespace> {
  const dir = await mkdtemp('/tmp/wkd-tcp.');
  const socket = join(dir, 'https.sock');
  const forwarder = createNetServer((client) => {
    const upstream = connect(target.port, target.host);
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    forwarder.once('error', reject);
    forwarder.listen(socket, resolve);
  });
  const sandbox = await prepareSandbox(dir, domain, caPem, socket);
  return {
    run: sandbox.run,
    async close() {
      await new Promise<void>((resolve) => {
        forwarder.close(() => {
          resolve();
        });
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `gpg --locate-external-keys ADDRESS` by WKD only, inside the namespace with a fresh
 * GNUPGHOME; returns the outcome and the `--with-colons` listing of what was imported.
 */
export async function locateByWkd(
  ns: WkdNamespace,
  address: string,
  advanced: boolean,
): Promise<Outcome & { listing: string }> {
  const fresh = await gnupgHome();
  try {
    const result = await ns.run(
      [
        GPG,
        '--batch',
        '--auto-key-locate',
        'clear,nodefault,wkd',
        '--locate-external-keys',
        address,
      ],
      { env: fresh.env, advanced },
    );
    const listing = await fresh.gpg(['--with-colons', '--list-keys']);
    return { ...result, listing: listing.stdout };
  } finally {
    await fresh.remove();
  }
}

/** Runs gpg-wks-client with `args` (offline commands such as --print-wkd-hash). */
export function wksClient(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Outcome> {
  return run(WKS_CLIENT, args, options);
}

export { exec };
