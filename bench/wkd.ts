/**
 * WKD benchmark (issue "Web Key Directory and Web Key Service"), run by hand as root:
 *
 *   npm run build && node --import tsx bench/wkd.ts [--keys 500] [--seconds 10] [--rounds 3]
 *
 * 1. creates N members with accounts and publishes a fresh Ed25519 key for each through the
 *    real checks (`publishKeyDirectly`, as `treff keys publish`);
 * 2. writes the same minimised keys as a static WKD tree and serves it with Debian's nginx
 *    (`worker_processes auto`, no access log, the same CORS header): the peer, "nginx";
 * 3. starts `node dist/main.js serve` as its own process (log level warn, as bench/registry.ts)
 *    with `services.wkd.exportDir` declared, so it writes the export at start: "treff";
 * 4. serves that export with a second nginx running treff's rendered website server
 *    (treff-privacy.conf and the TLS server of treff-website.conf, with the privacy access log
 *    as rendered, moved to plain HTTP on a loopback port like the peer): "export";
 * 5. checks that all three answer every key with the same bytes, then runs `wrk -t2 -c50
 *    --latency` with a Lua script asking for random keys of the set (direct method), taking the
 *    servers in turn for R rounds after a warm-up, and prints requests per second, p99 latency,
 *    the medians and the ratios to the peer.
 * Needs `wrk` and `nginx` (apt-get install wrk nginx). Everything runs on 127.0.0.1 in a temp
 * dir; both servers are stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as openpgp from 'openpgp';
import { createAccount } from '../src/accounts/index.ts';
import { createRuntime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { silentLogger } from '../src/core/log.ts';
import { listKeys, policyText, publishKeyDirectly } from '../src/keys/index.ts';
import { importMembers } from '../src/members/index.ts';
import { renderNginxPrivacy, renderNginxWebsite } from '../src/services/nginx/nginx.render.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';
import {
  freePort,
  isRoot,
  median,
  ratio,
  runIfMain,
  skippedRow,
  startTreff,
  type BenchOptions,
  type BenchRow,
} from './support.ts';

function runCommand(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited with ${code}: ${out}`));
    });
  });
}

async function waitForHttp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${url} did not answer`);
}

/** Requests per second and p99 latency in ms from wrk's output. */
function parseWrk(output: string): { rps: number; p99: number; errors: string } {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const match = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(output);
  const factor = { us: 0.001, ms: 1, s: 1000 }[match?.[2] ?? 'ms'] ?? 1;
  const errors = /Non-2xx or 3xx responses: \d+|Socket errors:[^\n]*/.exec(output)?.[0] ?? '';
  return { rps, p99: Number(match?.[1]) * factor, errors };
}

const EXPORT_ROW = 'WKD through the rendered nginx from the export vs nginx plain files';
const ALONE_ROW = 'treff alone vs nginx plain files';

/** Serves the same keys from nginx (plain files), nginx (treff's export) and treff; see the file comment. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      keys: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
    },
  });
  const KEYS = Number(values.keys);
  const SECONDS = Number(values.seconds);
  const ROUNDS = Number(values.rounds);
  const CONNECTIONS = Number(values.connections);

  if (!isRoot() || !existsSync('/usr/bin/wrk') || !existsSync('/usr/sbin/nginx'))
    return [
      skippedRow(EXPORT_ROW, '≥ 0.95×', 'needs root, nginx and wrk'),
      skippedRow(ALONE_ROW, '≥ 0.6×', 'needs root, nginx and wrk'),
    ];
  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-wkd-'));
  const children: ChildProcess[] = [];
  try {
    const treffPort = await freePort();
    const nginxPort = await freePort();
    const exportPort = await freePort();
    const exportDir = join(dir, 'wkd-export');
    const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8'))
      .replace('port: 8080', `port: ${treffPort}`)
      .replace('requireClubUid: true', `requireClubUid: true\n    exportDir: ${exportDir}`);
    const file = join(dir, 'treff.yaml');
    await writeFile(file, yaml);
    const config = parseConfig(yaml, file, process.env);
    const domain = config.services.wkd?.domain ?? '';
    log(
      `treff WKD benchmark: ${KEYS} keys, ${config.database.url.split(':')[0]}, Node ${process.version}, wrk -t2 -c${CONNECTIONS} -d${SECONDS}s × ${ROUNDS} rounds`,
    );

    // 1. Members, accounts and published keys, through the real services.
    const runtime = await createRuntime(config, { log: silentLogger() });
    const started = performance.now();
    const header =
      'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
    const csvRows = Array.from(
      { length: KEYS },
      (_, i) => `${i + 1},Member,Number${i + 1},,,,,,,,2024-01-01,`,
    );
    await importMembers(runtime, CLI_ACTOR, `${header}\n${csvRows.join('\n')}\n`, {
      dryRun: false,
    });
    const members = await runtime.db
      .selectFrom('members')
      .select(['id', 'member_number'])
      .execute();
    const created = new Date(Date.now() - 86_400_000);
    for (const member of members) {
      const username = `m${member.member_number}`;
      await createAccount(runtime, CLI_ACTOR, member.id, username);
      const { publicKey } = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: `Member ${member.member_number}`, email: `${username}@${domain}` }],
        date: created,
        format: 'binary',
      });
      await publishKeyDirectly(runtime, CLI_ACTOR, `${username}@${domain}`, publicKey, {
        recordFingerprint: false,
      });
    }
    const published = await listKeys(runtime);
    log(
      `published ${published.length} keys through the key checks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // 2. The same files as a static tree for nginx.
    const www = join(dir, 'www');
    const hu = join(www, '.well-known', 'openpgpkey', 'hu');
    await mkdir(hu, { recursive: true });
    for (const { key } of published) await writeFile(join(hu, key.hash), key.key);
    await writeFile(join(www, '.well-known', 'openpgpkey', 'policy'), policyText(config));
    await runtime.close();
    const paths = published.map(({ key }) => `/.well-known/openpgpkey/hu/${key.hash}`);
    await writeFile(join(dir, 'paths.txt'), `${paths.join('\n')}\n`);
    await writeFile(
      join(dir, 'random.lua'),
      `local paths = {}
for line in io.lines("${join(dir, 'paths.txt')}") do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
`,
    );
    // nginx's workers run as nobody: the tree must be readable for them.
    for (const path of [
      dir,
      www,
      join(www, '.well-known'),
      join(www, '.well-known', 'openpgpkey'),
      hu,
    ])
      await chmod(path, 0o755);
    await writeFile(
      join(dir, 'nginx.conf'),
      `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  types { }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${nginxPort};
    root ${www};
    location /.well-known/openpgpkey/ {
      add_header Access-Control-Allow-Origin * always;
      add_header Cache-Control no-cache always;
    }
  }
}
`,
    );

    // The rendered website server, on plain HTTP like the peer, its log in the temp dir.
    let website = renderNginxWebsite(config);
    website = website.slice(website.lastIndexOf('\nserver {'));
    website = website
      .replace(/^ {4}listen .*\n/gm, '')
      .replace(/^ {4}ssl_.*\n/gm, '')
      .replace('server {', `server {\n    listen 127.0.0.1:${exportPort};`)
      .replace(
        /access_log \S+ treff_privacy;/,
        `access_log ${dir}/export-access.log treff_privacy;`,
      );
    await writeFile(
      join(dir, 'nginx-export.conf'),
      `worker_processes auto;
pid ${dir}/nginx-export.pid;
error_log ${dir}/nginx-export-error.log warn;
events { worker_connections 1024; }
http {
${renderNginxPrivacy(config)}
${website}
}
`,
    );

    // 3. The servers.
    const nginx = spawn(
      '/usr/sbin/nginx',
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
      {
        stdio: 'ignore',
      },
    );
    children.push(nginx);
    const treff = await startTreff(['--config', file]);
    children.push(treff);
    // treff serve has written the export before it listens; nginx's workers must enter it.
    await chmod(exportDir, 0o711);
    const exportNginx = spawn(
      '/usr/sbin/nginx',
      ['-p', dir, '-c', join(dir, 'nginx-export.conf'), '-g', 'daemon off;'],
      { stdio: 'ignore' },
    );
    children.push(exportNginx);
    const servers = {
      nginx: `http://127.0.0.1:${nginxPort}`,
      export: `http://127.0.0.1:${exportPort}`,
      treff: `http://127.0.0.1:${treffPort}`,
    };
    await waitForHttp(`${servers.nginx}/.well-known/openpgpkey/policy`);
    await waitForHttp(`${servers.export}/.well-known/openpgpkey/policy`);

    // 4. Same answers, then load.
    for (const path of paths) {
      const [a, ...others] = await Promise.all(
        Object.values(servers).map(async (base) => {
          const response = await fetch(`${base}${path}`);
          if (
            response.status !== 200 ||
            response.headers.get('content-type') !== 'application/octet-stream'
          )
            throw new Error(
              `${base}${path}: ${response.status} ${response.headers.get('content-type') ?? ''}`,
            );
          return Buffer.from(await response.arrayBuffer());
        }),
      );
      if (!a || others.some((b) => !b.equals(a))) throw new Error(`different bytes for ${path}`);
    }
    log(`all three servers answer all ${paths.length} keys with the same bytes`);

    const wrk = async (base: string, seconds: number) =>
      parseWrk(
        await runCommand('/usr/bin/wrk', [
          '-t2',
          `-c${CONNECTIONS}`,
          `-d${seconds}s`,
          '--latency',
          '-s',
          join(dir, 'random.lua'),
          base,
        ]),
      );
    for (const base of Object.values(servers)) await wrk(base, 3);
    const results: Record<string, { rps: number[]; p99: number[] }> = {
      nginx: { rps: [], p99: [] },
      export: { rps: [], p99: [] },
      treff: { rps: [], p99: [] },
    };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, base] of Object.entries(servers)) {
        const result = await wrk(base, SECONDS);
        results[name]?.rps.push(result.rps);
        results[name]?.p99.push(result.p99);
        log(
          `round ${round} ${name.padEnd(6)}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms${result.errors ? ` (${result.errors})` : ''}`,
        );
      }
    }
    const nginxRps = median(results['nginx']?.rps ?? []);
    const p99 = (name: string) => median(results[name]?.p99 ?? []).toFixed(2);
    const row = (name: string, label: string, target: number): BenchRow => {
      const rps = median(results[name]?.rps ?? []);
      return {
        name: `${label}, ${KEYS} keys, wrk -c${CONNECTIONS}`,
        treff: `${rps.toFixed(0)} req/s (p99 ${p99(name)} ms)`,
        peer: `${nginxRps.toFixed(0)} req/s (p99 ${p99('nginx')} ms) nginx plain files`,
        ratio: ratio(rps, nginxRps),
        target: `≥ ${target}×`,
        met: rps / nginxRps >= target,
      };
    };
    const rows = [row('export', EXPORT_ROW, 0.95), row('treff', ALONE_ROW, 0.6)];
    for (const line of rows)
      log(`median ${line.name}: ${line.treff} vs ${line.peer} = ${line.ratio}`);
    log(`load: ${(await readFile('/proc/loadavg', 'utf8')).trim()}`);
    const rss = await readFile(`/proc/${treff.pid ?? 0}/status`, 'utf8').catch(() => '');
    const kib = Number(/VmRSS:\s+(\d+) kB/.exec(rss)?.[1]);
    if (kib) log(`treff RSS after the load: ${(kib / 1024).toFixed(1)} MiB`);
    return rows;
  } finally {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
