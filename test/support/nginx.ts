import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  acceptsConnections,
  freePort,
  makeTempDir,
  removeAtExit,
  removeDir,
  selfSignedCertificate,
  spawnDaemon,
  waitFor,
} from './daemons.ts';

/**
 * The real nginx (Debian package "nginx", 1.22) for integration tests: one process in the
 * foreground (no master, no workers, so no user switch), every path in a temp dir, listening on a
 * free loopback port, with a self-signed certificate. The http block holds Debian's own http-level
 * `access_log /var/log/nginx/access.log` (pointed at the temp dir), then the given snippets, so a
 * test sees whether treff's snippet cancels Debian's default log.
 */

export const NGINX = '/usr/sbin/nginx';

export interface Nginx {
  port: number;
  dir: string;
  /** The certificate and key for a server block. */
  certificate: string;
  key: string;
  /** Reads a file of the temp dir ('' when missing). */
  read(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts nginx with `snippets(dir, port, certificate, key)` included at the http level, in that
 * order. The function receives the paths so it can point a rendered server block at them.
 */
export async function startNginx(
  snippets: (paths: { dir: string; port: number; certificate: string; key: string }) => string[],
): Promise<Nginx> {
  const dir = await makeTempDir('treff-nginx');
  removeAtExit(dir);
  const { certificate, key } = await selfSignedCertificate(dir);
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => '');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const includes: string[] = [];
    for (const [index, text] of snippets({ dir, port, certificate, key }).entries()) {
      const file = join(dir, `snippet-${index}.conf`);
      await writeFile(file, text);
      includes.push(`    include ${file};`);
    }
    await writeFile(
      join(dir, 'nginx.conf'),
      `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'main-error.log')};
events { worker_connections 64; }
http {
    client_body_temp_path ${join(dir, 'body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
    # Debian's nginx.conf (http level), before its include of conf.d/*.conf:
    access_log ${join(dir, 'debian-access.log')};
${includes.join('\n')}
}
`,
    );
    const daemon = spawnDaemon(NGINX, [
      '-p',
      dir,
      '-c',
      join(dir, 'nginx.conf'),
      '-e',
      join(dir, 'startup-error.log'),
    ]);
    try {
      await waitFor(`nginx on 127.0.0.1:${port}`, async () => {
        if (daemon.exited())
          throw new Error(
            `nginx stopped: ${daemon.output()}${await read('startup-error.log')}${await read('main-error.log')}`,
          );
        return (await acceptsConnections(port)) ? true : undefined;
      });
    } catch (error) {
      await daemon.stop();
      const text = `${await read('main-error.log')}${await read('startup-error.log')}`;
      if (/Address already in use/.test(text) && attempt < 5) continue;
      await removeDir(dir);
      throw error;
    }
    return {
      port,
      dir,
      certificate,
      key,
      read,
      async stop() {
        await daemon.stop();
        await removeDir(dir);
      },
    };
  }
}

function replaceExactly(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the rendered website server no longer has: ${from}`);
  return text.replace(from, to);
}

/**
 * The rendered website's TLS server block (treff-website.conf) made runnable in a test: listening
 * on `listen` (e.g. `127.0.0.1:PORT`, `unix:/path`) instead of 443, with the test certificate,
 * the access log in `logDir` and treff's upstream at `upstreamPort`. Throws if the rendered text
 * no longer has a line it replaces, so a renderer change cannot silently skip the test's setup.
 */
export function websiteServerForTest(
  website: string,
  options: {
    domain: string;
    listen: readonly string[];
    certificate: string;
    key: string;
    logDir: string;
    upstreamPort: number;
  },
): string {
  let tls = website.slice(website.lastIndexOf('\nserver {'));
  tls = replaceExactly(
    tls,
    '    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n',
    options.listen.map((address) => `    listen ${address} ssl;\n`).join(''),
  );
  tls = replaceExactly(
    tls,
    `/etc/letsencrypt/live/${options.domain}/fullchain.pem`,
    options.certificate,
  );
  tls = replaceExactly(tls, `/etc/letsencrypt/live/${options.domain}/privkey.pem`, options.key);
  tls = replaceExactly(
    tls,
    'access_log /var/log/treff/web treff_privacy;',
    `access_log ${options.logDir}/web treff_privacy;`,
  );
  // Every location that hands over to treff (one, or several with a static website root).
  return replaceExactly(
    tls,
    'proxy_pass http://127.0.0.1:8080;',
    `proxy_pass http://127.0.0.1:${options.upstreamPort};`,
  ).replaceAll(
    'proxy_pass http://127.0.0.1:8080;',
    `proxy_pass http://127.0.0.1:${options.upstreamPort};`,
  );
}
