import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/**
 * Helpers for integration tests that run real daemons (Prosody, Dovecot, …) on loopback: temp
 * dirs, free ports, waiting, and child processes that cannot outlive the test process.
 */

/** A fresh directory under the system temp dir, unique across concurrent test processes. */
export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** Whether nothing listens on 127.0.0.1:`port` (probed by binding it). */
async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * A free TCP port on 127.0.0.1 for a daemon to listen on. Drawn at random from 20000–32767,
 * below Linux's ephemeral range (32768–60999), so outgoing connections of other processes do
 * not take it between this probe and the daemon's bind(). Another test process may still pick
 * the same port in that window: callers retry when the daemon reports the port as taken.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port found in 20000–32767 after 100 attempts');
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Whether a TCP connection to `host`:`port` is accepted. */
export async function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** uid and gid of a system user (e.g. "prosody"), from NSS. */
export function systemUser(name: string): { uid: number; gid: number } {
  const entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = entry.split(':');
  if (uid === undefined || gid === undefined) throw new Error(`getent passwd ${name}: ${entry}`);
  return { uid: Number(uid), gid: Number(gid) };
}

export interface DaemonOptions {
  /** Run as this system user (only when the test runs as root; otherwise as the caller). */
  user?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A daemon started in the foreground by a test. */
export interface Daemon {
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout and stderr so far (for error messages). */
  output(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
const dirsToRemove = new Set<string>();
let exitHookInstalled = false;

/**
 * Last resort when a test never got to its cleanup: at process exit, kill the daemons still
 * running and remove the registered temp dirs (synchronously, as exit hooks must).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Starts `command` in the foreground. It runs under `setpriv --pdeathsig TERM` (util-linux,
 * always on Debian), so the kernel sends it SIGTERM when the test process dies, even by
 * SIGKILL or a crash, where no exit hook runs. As root with `user`, it is started with that
 * user's uid and gid (Node's spawn drops supplementary groups), so the daemon's pid is the
 * child's pid: no runuser/su process in between to forward signals.
 */
export function spawnDaemon(command: string, args: string[], options: DaemonOptions = {}): Daemon {
  const ids = options.user && process.getuid?.() === 0 ? systemUser(options.user) : undefined;
  const child = spawn('/usr/bin/setpriv', ['--pdeathsig', 'TERM', '--', command, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(ids ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${command}`);
  installExitHook();
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let gone = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      running.delete(child);
      resolve();
    });
  });
  return {
    pid,
    child,
    output: () => output,
    exited: () => gone,
    async stop(graceMs = 5_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Removes a temp dir (and forgets it for the exit hook). */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  dirsToRemove.delete(dir);
}

/** Registers `dir` for removal when the test process exits without removeDir(). */
export function removeAtExit(dir: string): void {
  installExitHook();
  dirsToRemove.add(dir);
}

/**
 * A self-signed certificate for `localhost` (Ed25519, two days), written as `cert.pem` and
 * `key.pem` into `dir`, for daemons that must speak TLS on loopback.
 */
export async function selfSignedCertificate(
  dir: string,
): Promise<{ certificate: string; key: string }> {
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ed25519',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-keyout',
    key,
    '-out',
    certificate,
  ]);
  return { certificate, key };
}

/**
 * Runs the shell script `script` in its own mount and PID namespace, so it can bind-mount over
 * system paths for its daemons and everything it started ends with it.
 */
export function spawnInPrivateNamespace(script: string): Daemon {
  return spawnDaemon('/usr/bin/unshare', [
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--mount-proc',
    '--fork',
    '--kill-child=SIGTERM',
    '/bin/sh',
    script,
  ]);
}

/**
 * sshpass's arguments for a password login (the password in $SSHPASS) that runs `id -un`: no key,
 * one prompt, no host key kept.
 */
export function sshPasswordArgs(user: string, host: string, port = 22): string[] {
  return [
    '-e',
    'ssh',
    '-p',
    String(port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'PreferredAuthentications=password',
    '-o',
    'PubkeyAuthentication=no',
    '-o',
    'NumberOfPasswordPrompts=1',
    '-o',
    'ConnectTimeout=10',
    `${user}@${host}`,
    'id',
    '-un',
  ];
}
