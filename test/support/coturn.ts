import { createSocket } from 'node:dgram';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  freePort,
  makeTempDir,
  removeAtExit,
  removeDir,
  spawnInPrivateNamespace,
  waitFor,
  type Daemon,
} from './daemons.ts';

/**
 * coturn (Debian package "coturn") for integration tests, with treff's rendered turnserver.conf
 * on a loopback port. It runs as user turnserver in a private mount and PID namespace in which
 * /var/log, /var/tmp and /tmp are empty, world-writable temp dirs: every place coturn writes a
 * log file to, including its silent fallbacks (services.md §4), so a test sees any file it
 * writes and the host's directories are never touched. When the test process dies, the kernel
 * ends the namespace and coturn with it.
 */

export const TURNSERVER = '/usr/bin/turnserver';

export interface Coturn {
  port: number;
  /** The files in the namespace's /var/log, /var/tmp and /tmp (except the config), as paths there. */
  files(): Promise<string[]>;
  /** stdout and stderr of coturn. */
  output(): string;
  /** Stops coturn (the namespace ends with it). Idempotent. */
  stop(): Promise<void>;
  /** Stops coturn and removes its temp dir. Idempotent. */
  remove(): Promise<void>;
}

const CONFIG = 'turnserver.conf';

/** Starts coturn with `rendered` (the rendered /etc/turnserver.conf) on 127.0.0.1. */
export async function startCoturn(rendered: string): Promise<Coturn> {
  const dir = await makeTempDir('treff-coturn');
  removeAtExit(dir);
  const places = { 'var-log': '/var/log', 'var-tmp': '/var/tmp', tmp: '/tmp' } as const;
  for (const name of Object.keys(places)) {
    await mkdir(join(dir, name));
    await chmod(join(dir, name), 0o1777);
  }
  const port = await freePort();
  if (!rendered.includes('listening-port=3478\n'))
    throw new Error('no listening-port=3478 in the rendered config');
  await writeFile(
    join(dir, 'tmp', CONFIG),
    rendered.replace('listening-port=3478\n', `listening-port=${port}\nlistening-ip=127.0.0.1\n`),
    { mode: 0o644 },
  );
  // /tmp last: the temp dir itself is under /tmp.
  const script = `#!/bin/sh
set -e
mount --bind ${join(dir, 'var-log')} /var/log
mount --bind ${join(dir, 'var-tmp')} /var/tmp
mount --bind ${join(dir, 'tmp')} /tmp
trap 'kill $pid 2>/dev/null; wait $pid; exit 0' TERM INT
setpriv --reuid turnserver --regid turnserver --clear-groups ${TURNSERVER} -c /tmp/${CONFIG} --pidfile= &
pid=$!
wait $pid
`;
  await writeFile(join(dir, 'start.sh'), script, { mode: 0o755 });
  const daemon: Daemon = spawnInPrivateNamespace(join(dir, 'start.sh'));
  const stop = () => daemon.stop();
  const remove = async () => {
    await daemon.stop();
    await removeDir(dir);
  };
  try {
    await waitFor(
      `coturn on 127.0.0.1:${port}`,
      async () => {
        if (daemon.exited()) throw new Error(`coturn stopped:\n${daemon.output()}`);
        const answer = await stunRequest(port, 0x0001, 300).catch(() => null);
        return answer ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    port,
    output: () => daemon.output(),
    async files() {
      const found: string[] = [];
      for (const [name, path] of Object.entries(places)) {
        for (const entry of await readdir(join(dir, name))) {
          if (!(path === '/tmp' && entry === CONFIG)) found.push(`${path}/${entry}`);
        }
      }
      return found;
    },
    stop,
    remove,
  };
}

/** A STUN answer: its message type and the address the server saw (XOR-MAPPED-ADDRESS). */
export interface StunAnswer {
  type: number;
  mapped: { address: string; port: number } | null;
  /** The port the request was sent from. */
  localPort: number;
}

const MAGIC = 0x2112a442;

/**
 * Sends one STUN request (RFC 5389 §6; 0x0001 is a Binding request, 0x0003 a TURN Allocate with
 * REQUESTED-TRANSPORT UDP) over UDP to 127.0.0.1 and resolves with the answer; rejects after
 * `timeoutMs` without one.
 */
export function stunRequest(port: number, type: number, timeoutMs = 2000): Promise<StunAnswer> {
  const attributes =
    type === 0x0003 ? Buffer.from([0x00, 0x19, 0x00, 0x04, 17, 0, 0, 0]) : Buffer.alloc(0);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(attributes.length, 2);
  header.writeUInt32BE(MAGIC, 4);
  const transaction = randomBytes(12);
  transaction.copy(header, 8);
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no STUN answer'));
    }, timeoutMs);
    socket.on('message', (message) => {
      if (message.length < 20 || !message.subarray(8, 20).equals(transaction)) return;
      clearTimeout(timer);
      const localPort = socket.address().port;
      socket.close();
      let mapped: StunAnswer['mapped'] = null;
      for (let offset = 20; offset + 4 <= message.length;) {
        const kind = message.readUInt16BE(offset);
        const length = message.readUInt16BE(offset + 2);
        if (kind === 0x0020 && message[offset + 5] === 0x01) {
          const xport = message.readUInt16BE(offset + 6) ^ (MAGIC >>> 16);
          const xaddress = (message.readUInt32BE(offset + 8) ^ MAGIC) >>> 0;
          mapped = {
            address: [24, 16, 8, 0].map((shift) => (xaddress >>> shift) & 0xff).join('.'),
            port: xport,
          };
        }
        offset += 4 + length + ((4 - (length % 4)) % 4);
      }
      resolve({ type: message.readUInt16BE(0), mapped, localPort });
    });
    socket.send(Buffer.concat([header, attributes]), port, '127.0.0.1', (error) => {
      if (error) {
        clearTimeout(timer);
        socket.close();
        reject(error);
      }
    });
  });
}
