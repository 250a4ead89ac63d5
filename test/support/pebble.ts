import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnDaemon, type Daemon } from './daemons.ts';
import { requireTool } from './integration.ts';

/**
 * Pebble, Let's Encrypt's ACME test CA (Debian package "pebble"), for certbot against a real
 * ACME server without the internet: `pebble-challtestsrv` answers every name's A query with the
 * VServer's address, so Pebble validates HTTP-01 on its port 80, where nginx serves certbot's
 * webroot.
 */

/** Why Pebble cannot run here, or undefined. */
export function pebbleMissing(): string | undefined {
  return (
    requireTool('/usr/bin/pebble', 'Pebble (Debian package "pebble")') ??
    requireTool('/usr/bin/pebble-challtestsrv', 'Pebble (Debian package "pebble")')
  );
}

export interface Pebble {
  /** The ACME directory, for certbot's `--server`. */
  directory: string;
  /** The PEM of the certificate Pebble's ACME endpoint shows (certbot must trust it). */
  endpointCa: string;
  /** The PEM of the root that signs the certificates Pebble issues. */
  issuingRoot(): Promise<string>;
  stop(): Promise<void>;
}

/** Waits until `daemon` printed `ready`, or fails with its output. */
async function waitFor(daemon: Daemon, ready: RegExp, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (ready.test(daemon.output())) return;
    if (daemon.exited()) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not start:\n${daemon.output()}`);
}

/**
 * Starts Pebble on `listen` (an address the VServer reaches, port 14000) with its DNS answering
 * every name with `target`, and its management API on 127.0.0.1:15000. `dir` holds its files.
 */
export async function startPebble(dir: string, listen: string, target: string): Promise<Pebble> {
  const cert = join(dir, 'pebble.pem');
  const key = join(dir, 'pebble.key');
  await promisify(execFile)('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
    ...['-days', '2', '-subj', '/CN=pebble', '-addext', `subjectAltName=IP:${listen}`],
    ...['-keyout', key, '-out', cert],
  ]);
  const config = join(dir, 'pebble-config.json');
  await writeFile(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `${listen}:14000`,
        managementListenAddress: '127.0.0.1:15000',
        certificate: cert,
        privateKey: key,
        // Where the validation connects on the VServer: nginx on its standard ports.
        httpPort: 80,
        tlsPort: 443,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const dns = spawnDaemon('/usr/bin/pebble-challtestsrv', [
    ...['-defaultIPv4', target, '-defaultIPv6', ''],
    ...['-dns01', '127.0.0.1:18053', '-http01', '', '-https01', '', '-tlsalpn01', ''],
    ...['-management', '127.0.0.1:18055'],
  ]);
  const pebble = spawnDaemon(
    '/usr/bin/pebble',
    ['-config', config, '-dnsserver', '127.0.0.1:18053'],
    {
      cwd: dir,
      // No random wait before validating, no refused nonces: a test, not a CA's drill.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    },
  );
  const stop = async () => {
    await pebble.stop();
    await dns.stop();
  };
  try {
    await waitFor(dns, /Starting management server/i, 'pebble-challtestsrv');
    await waitFor(pebble, /Listening on/i, 'pebble');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    directory: `https://${listen}:14000/dir`,
    endpointCa: await readFile(cert, 'utf8'),
    async issuingRoot() {
      // The management API speaks TLS with the same certificate; its root is made at start.
      const { stdout } = await promisify(execFile)('curl', [
        ...['-sS', '--cacert', cert, '--connect-to', `${listen}:15000:127.0.0.1:15000`],
        `https://${listen}:15000/roots/0`,
      ]);
      return stdout;
    },
    stop,
  };
}
