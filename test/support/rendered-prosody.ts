import { execFile } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, makeTempDir, removeAtExit, removeDir, systemUser } from './daemons.ts';
import { launchProsody, luaString, PROSODYCTL } from './prosody.ts';

const exec = promisify(execFile);

/**
 * The real Prosody running treff's *rendered* prosody.cfg.lua (issue #6). Only what ties the file
 * to a Debian server is replaced, each by exact line so a change of the renderer fails loudly:
 * the pid file, the data path, mod_tls (no certificate: `modules_disabled` keeps "offline" and
 * adds "tls"), and before the Include of the accounts snippet the test's loopback ports and
 * plaintext logins. Every setting that decides what is stored or logged stays as rendered, the
 * log too: it goes to stdout, which the test reads (the journal under systemd). The accounts snippet
 * (mod_auth_treff, tested in test/integration/accounts.daemons.test.ts) is replaced by Prosody's
 * internal_plain accounts, registered with prosodyctl.
 */

export interface RenderedProsody {
  /** c2s port on 127.0.0.1. */
  port: number;
  /** HTTP port on 127.0.0.1 (uploads). */
  httpPort: number;
  dir: string;
  /** Prosody's data_path. */
  dataDir: string;
  /** What Prosody logged to stdout, where the rendered config sends its log (the journal under systemd). */
  log(): string;
  stop(): Promise<void>;
}

function replaceLine(text: string, line: string, replacement: string): string {
  if (!text.includes(line)) throw new Error(`the rendered Prosody config no longer has: ${line}`);
  return text.replace(line, replacement);
}

/** The rendered config with the test's paths, ports and log file. */
export function adaptRenderedProsody(
  rendered: string,
  dir: string,
  port: number,
  httpPort: number,
): string {
  const path = (name: string) => luaString(join(dir, name));
  let text = replaceLine(
    rendered,
    'pidfile = "/run/prosody/prosody.pid"',
    `pidfile = ${path('prosody.pid')}`,
  );
  text = replaceLine(text, 'data_path = "/var/lib/prosody"', `data_path = ${path('data')}`);
  // No certificate in the test: mod_tls would offer STARTTLS and fail; "offline" stays disabled.
  text = replaceLine(
    text,
    'modules_disabled = { "offline" }',
    'modules_disabled = { "offline"; "tls" }',
  );
  return replaceLine(
    text,
    'Include "conf.d/treff-auth.cfg.lua"',
    `-- Test only (test/support/rendered-prosody.ts): loopback ports, plaintext logins.
admin_socket = ${path('data/prosody.sock')}
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
s2s_direct_tls_ports = { }
component_ports = { }
http_ports = { ${httpPort} }
http_interfaces = { "127.0.0.1" }
https_ports = { }
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true

Include "conf.d/treff-auth.cfg.lua"`,
  );
}

/**
 * Starts Prosody with the rendered config in a temp dir (as user prosody when root), with the
 * given accounts on `domain`. Call stop() in an `after` hook; the kernel stops Prosody if the test
 * process dies (spawnDaemon).
 */
export async function startRenderedProsody(
  rendered: string,
  options: { domain: string; users: Readonly<Record<string, string>> },
): Promise<RenderedProsody> {
  const dir = await makeTempDir('treff-rendered-prosody');
  removeAtExit(dir);
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'prosody.cfg.lua');
  for (const sub of ['data', 'certs', 'conf.d']) await mkdir(join(dir, sub));
  await writeFile(
    join(dir, 'conf.d', 'treff-auth.cfg.lua'),
    `VirtualHost ${luaString(options.domain)}\n  authentication = "internal_plain"\n`,
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = systemUser('prosody');
    for (const owned of [dir, dataDir]) await chown(owned, uid, gid);
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const httpPort = await freePort();
    await writeFile(configFile, adaptRenderedProsody(rendered, dir, port, httpPort));
    if (attempt === 1) {
      for (const [user, password] of Object.entries(options.users)) {
        await exec(PROSODYCTL, [
          '--config',
          configFile,
          'register',
          user,
          options.domain,
          password,
        ]);
      }
    }
    const daemon = await launchProsody({ configFile, dir, port });
    if (!daemon) {
      if (attempt < 5) continue;
      await removeDir(dir);
      throw new Error('Prosody could not open its ports in 5 attempts');
    }
    let stopped = false;
    return {
      port,
      httpPort,
      dir,
      dataDir,
      log: () => daemon.output(),
      async stop() {
        if (stopped) return;
        stopped = true;
        await daemon.stop();
        await removeDir(dir);
      },
    };
  }
}
