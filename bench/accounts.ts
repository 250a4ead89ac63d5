/**
 * Member accounts benchmark (issue "Member accounts"; issue 15 item 5), run by hand as root:
 *
 *   npm run build && node --import tsx bench/accounts.ts [--accounts 1000] [--requests 300]
 *     [--clients 50] [--rounds 5]
 *
 * 1. treff sync for N accounts into a fresh root: first run (every file and home created), a
 *    second run (nothing changed) and a run after one password change;
 * 2. the internal XMPP password check of `dist/main.js serve` (its own process) over HTTP, next
 *    to the bare yescrypt check in this process: the endpoint's overhead beyond the hash;
 * 3. the real Prosody with mod_auth_treff and the rendered settings, against that server: for
 *    R rounds, C clients log in at once while one logged-in client pings Prosody (XEP-0199)
 *    every 20 ms, and this process asks the endpoint itself meanwhile; the overhead of each of
 *    those checks is its round trip minus the hash time the server reports (Server-Timing).
 *    Prosody's ping round trip before the logins is the peer of the one during them.
 * Without root (or without Prosody) part 3 says so in its rows.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSync, xmppAuthSecret } from '../src/accounts/index.ts';
import { setAccountPassword } from '../src/accounts/accounts.service.ts';
import { createRuntime, type Runtime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { newId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/log.ts';
import { importMembers } from '../src/members/index.ts';
import { renderAll } from '../src/services/index.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';
import { startProsody, xmppLogin, type XmppSession } from '../test/support/prosody.ts';
import {
  freePort,
  isRoot,
  latencySummary,
  loadAverage,
  percentile,
  ratio,
  runIfMain,
  skippedRow,
  startTreff,
  type BenchOptions,
  type BenchRow,
} from './support.ts';

const PASSWORD = 'correct horse battery';
const DOMAIN = 'chaostreff-osnabrueck.de';

const p = (xs: readonly number[], q: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    q,
  );
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Members with accounts, all with the same real hash (the projections do not care). */
async function seedAccounts(runtime: Runtime, accounts: number, hash: string): Promise<void> {
  const lines = [
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on',
  ];
  for (let i = 1; i <= accounts; i++)
    lines.push(`${i},Member,Number${i},,,,,m${i}@example.org,,,2020-01-01,`);
  await importMembers(runtime, CLI_ACTOR, `${lines.join('\n')}\n`, { dryRun: false });
  const members = await runtime.db.selectFrom('members').select(['id', 'member_number']).execute();
  const now = new Date().toISOString();
  await runtime.db.transaction().execute(async (trx) => {
    for (let start = 0; start < members.length; start += 500) {
      await trx
        .insertInto('accounts')
        .values(
          members.slice(start, start + 500).map((member, index) => ({
            id: newId(),
            member_id: member.id,
            username: `user${member.member_number}`,
            status: 'active' as const,
            uid: 20000 + start + index,
            password_hash: hash,
            shell: 1,
            mail: 1,
            xmpp: 1,
            ssh_keys: null,
            requested_at: now,
            activated_at: now,
            disabled_at: null,
            delete_after: null,
            updated_at: now,
          })),
        )
        .execute();
    }
    await trx
      .updateTable('counters')
      .set({ value: 20000 + members.length })
      .where('name', '=', 'next_uid')
      .execute();
  });
}

/** One check of the internal endpoint: its round trip and the hash time the server reports. */
async function checkOnce(
  internalPort: number,
  secret: string,
  username: string,
): Promise<{ ms: number; hashMs: number }> {
  const begin = performance.now();
  const response = await fetch(`http://127.0.0.1:${internalPort}/internal/xmpp/auth`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, host: DOMAIN, password: PASSWORD }),
  });
  await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  const took = performance.now() - begin;
  const hashMs = Number(/hash;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]);
  return { ms: took, hashMs };
}

/** Measures the sync, the endpoint and, as root with Prosody, logins at once; see the file comment. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      accounts: { type: 'string', default: '1000' },
      requests: { type: 'string', default: '300' },
      clients: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '5' },
    },
  });
  const ACCOUNTS = Number(values.accounts);
  const REQUESTS = Number(values.requests);
  const CLIENTS = Math.min(Number(values.clients), ACCOUNTS - 2);
  const ROUNDS = Number(values.rounds);
  if (!isRoot())
    return [
      skippedRow(
        'treff sync and XMPP password check',
        'overhead p95 ≤ 2 ms',
        'needs root (homes owned by members, Prosody as its user)',
      ),
    ];

  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-accounts-'));
  // Prosody (its own user) reads the projections under the root in here.
  await chmod(dir, 0o755);
  const [port, internalPort] = [await freePort(), await freePort()];
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace('port: 8080', `port: ${port}`);
  const file = join(dir, 'treff.yaml');
  await writeFile(file, yaml);
  const config = parseConfig(yaml, file, process.env);
  log(
    `treff accounts benchmark: ${ACCOUNTS} accounts, ${config.database.url.split(':')[0]}, Node ${process.version}, uid ${process.getuid?.()}, load ${await loadAverage()}`,
  );
  const rows: BenchRow[] = [];
  try {
    const runtime = await createRuntime(config, { log: silentLogger() });
    const hash = await runtime.accountHasher.hash(PASSWORD);
    await seedAccounts(runtime, ACCOUNTS, hash);
    const root = join(dir, 'root');
    for (const label of ['first sync (all files, all homes)', 'second sync (nothing changed)']) {
      const started = performance.now();
      const report = await runSync(runtime, { root });
      const took = performance.now() - started;
      log(
        `${label}: ${took.toFixed(0)} ms, ${report.written.length} files written, ${report.homesCreated.length} homes created`,
      );
      rows.push({
        name: `treff sync, ${ACCOUNTS.toLocaleString('en')} accounts, ${label}`,
        treff: `${took.toFixed(0)} ms`,
        peer: '–',
        ratio: '–',
        target: '–',
        met: null,
      });
    }
    const first = await runtime.db
      .selectFrom('accounts')
      .select('id')
      .orderBy('uid')
      .executeTakeFirstOrThrow();
    await setAccountPassword(runtime, CLI_ACTOR, first.id, 'another long passphrase');
    let started = performance.now();
    const changed = await runSync(runtime, { root });
    log(
      `sync after one password change: ${(performance.now() - started).toFixed(0)} ms, ${changed.written.length} files written`,
    );

    const hashTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      started = performance.now();
      await runtime.accountHasher.verify(hash, PASSWORD);
      hashTimes.push(performance.now() - started);
    }
    log(`bare yescrypt check (cost 6) in this process: ${latencySummary(hashTimes)}`);
    await runtime.close();

    const server = await startTreff(['--config', file, '--internal-port', String(internalPort)]);
    try {
      const secret = xmppAuthSecret(await readFile(config.paths.secretFile));
      const check = (username: string) => checkOnce(internalPort, secret, username);
      for (let i = 0; i < 20; i++) await check(`user${2 + (i % ACCOUNTS)}`);
      const endpoint: number[] = [];
      for (let i = 0; i < REQUESTS; i++)
        endpoint.push((await check(`user${2 + (i % (ACCOUNTS - 1))}`)).ms);
      log(`internal XMPP password check over HTTP, one at a time: ${latencySummary(endpoint)}`);
      const overhead95 = p(endpoint, 95) - p(hashTimes, 95);
      log(
        `overhead beyond the hash: p50 ${(p(endpoint, 50) - p(hashTimes, 50)).toFixed(1)} ms, p95 ${overhead95.toFixed(1)} ms`,
      );
      rows.push({
        name: 'XMPP password check over HTTP, one at a time, p95 (overhead beyond the hash)',
        treff: `${ms(p(endpoint, 95))} (${ms(overhead95)})`,
        peer: `${ms(p(hashTimes, 95))} bare yescrypt`,
        ratio: ratio(p(endpoint, 95), p(hashTimes, 95)),
        target: '–',
        met: null,
      });
      rows.push(
        ...(await loginsAtOnce({
          root,
          internalPort,
          check,
          clients: CLIENTS,
          rounds: ROUNDS,
          log,
        })),
      );
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Part 3: Prosody with the rendered mod_auth_treff settings; `clients` logins at once per round
 * while a logged-in client pings and this process checks the endpoint itself.
 */
async function loginsAtOnce(options: {
  root: string;
  internalPort: number;
  check: (username: string) => Promise<{ ms: number; hashMs: number }>;
  clients: number;
  rounds: number;
  log: BenchOptions['log'];
}): Promise<BenchRow[]> {
  const { root, internalPort, check, clients, rounds, log } = options;
  const name = `XMPP password check while ${clients} clients log in to Prosody at once`;
  if (!existsSync('/usr/bin/prosody'))
    return [skippedRow(name, 'overhead p95 ≤ 2 ms', 'Prosody is not installed')];
  // The rendered VirtualHost settings, pointed at this server and at the projections in root.
  const rendered = renderAll(
    parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml'),
  ).find((file) => file.path === 'etc/prosody/conf.d/treff-auth.cfg.lua')?.content;
  if (!rendered) throw new Error('no rendered treff-auth.cfg.lua');
  const hostConfig = rendered
    .slice(rendered.indexOf('\n', rendered.indexOf('VirtualHost')) + 1)
    .replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${internalPort}`)
    .replaceAll('/etc/prosody/', `${join(root, 'etc/prosody')}/`)
    .replaceAll('/var/lib/treff/', `${join(root, 'var/lib/treff')}/`);
  const prosody = await startProsody({ domain: DOMAIN, hostConfig });
  const sessions: XmppSession[] = [];
  try {
    const login = (username: string, password = PASSWORD) =>
      xmppLogin({ port: prosody.port, domain: DOMAIN, username, password });
    const pinger = await login('user1', 'another long passphrase');
    sessions.push(pinger);
    const idlePings: number[] = [];
    for (let i = 0; i < 50; i++) {
      idlePings.push(await pinger.ping());
      await sleep(20);
    }
    const busyPings: number[] = [];
    const loginTimes: number[] = [];
    const overhead: number[] = [];
    const hashes: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      let busy = true;
      const pings = (async () => {
        while (busy) {
          busyPings.push(await pinger.ping());
          await sleep(20);
        }
      })();
      const probes = (async () => {
        let i = 0;
        while (busy) {
          const result = await check(`user${2 + clients + (i++ % 50)}`);
          overhead.push(result.ms - result.hashMs);
          hashes.push(result.hashMs);
        }
      })();
      const logins = await Promise.all(
        Array.from({ length: clients }, async (_, i) => {
          const begin = performance.now();
          const session = await login(`user${2 + i}`);
          loginTimes.push(performance.now() - begin);
          return session;
        }),
      );
      busy = false;
      await Promise.all([pings, probes]);
      await Promise.all(logins.map((session) => session.stop()));
      log(
        `round ${round}: ${clients} logins at once, slowest ${ms(Math.max(...loginTimes.slice(-clients)))}`,
      );
    }
    log(`Prosody ping before the logins: ${latencySummary(idlePings)}`);
    log(`Prosody ping during the logins: ${latencySummary(busyPings)}`);
    log(
      `XMPP login (c2s, SASL PLAIN, via treff), ${clients} at once: ${latencySummary(loginTimes)}`,
    );
    log(`endpoint checks meanwhile, hash time (Server-Timing): ${latencySummary(hashes)}`);
    log(`endpoint checks meanwhile, round trip minus hash: ${latencySummary(overhead)}`);
    return [
      {
        name: `${name}: overhead beyond the hash, p95`,
        treff: ms(p(overhead, 95)),
        peer: `${ms(p(hashes, 95))} the hash (Server-Timing)`,
        ratio: ratio(p(overhead, 95), p(hashes, 95)),
        target: '≤ 2 ms',
        met: p(overhead, 95) <= 2,
      },
      {
        name: `Prosody's ping round trip (XEP-0199) during those logins, p95`,
        treff: ms(p(busyPings, 95)),
        peer: `${ms(p(idlePings, 95))} before them`,
        ratio: ratio(p(busyPings, 95), p(idlePings, 95)),
        target: '–',
        met: null,
      },
      {
        name: `XMPP login through treff, ${clients} at once, p95`,
        treff: ms(p(loginTimes, 95)),
        peer: '–',
        ratio: '–',
        target: '–',
        met: null,
      },
    ];
  } finally {
    for (const session of sessions) await session.stop();
    await prosody.stop();
  }
}

runIfMain(import.meta.url, run);
