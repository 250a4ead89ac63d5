/**
 * Member accounts benchmark (issue "Member accounts"), run by hand as root:
 *
 *   npm run build && node --import tsx bench/accounts.ts [--accounts 1000] [--requests 300]
 *
 * 1. treff sync for N accounts into a fresh root: first run (every file and home created), a
 *    second run (nothing changed) and a run after one password change;
 * 2. the internal XMPP password check of `dist/main.js serve` (its own process) over HTTP, next
 *    to the bare yescrypt check in this process: the endpoint's overhead beyond the hash.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSync, xmppAuthSecret } from '../src/accounts/index.ts';
import { setAccountPassword } from '../src/accounts/accounts.service.ts';
import { createRuntime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { newId } from '../src/core/ids.ts';
import { silentLogger } from '../src/core/log.ts';
import { importMembers } from '../src/members/index.ts';
import { EXAMPLE_CONFIG } from '../test/support/app.ts';
import { freePort, latencySummary, percentile, startTreff } from './support.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '300' },
  },
});
const ACCOUNTS = Number(values.accounts);
const REQUESTS = Number(values.requests);
const PASSWORD = 'correct horse battery';

const dir = await mkdtemp(join(tmpdir(), 'treff-bench-accounts-'));
const [port, internalPort] = [await freePort(), await freePort()];
const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace('port: 8080', `port: ${port}`);
const file = join(dir, 'treff.yaml');
await writeFile(file, yaml);
const config = parseConfig(yaml, file, process.env);
console.log(
  `treff accounts benchmark: ${ACCOUNTS} accounts, ${config.database.url.split(':')[0]}, Node ${process.version}, uid ${process.getuid?.()}`,
);

const runtime = await createRuntime(config, { log: silentLogger() });
const lines = [
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on',
];
for (let i = 1; i <= ACCOUNTS; i++)
  lines.push(`${i},Member,Number${i},,,,,m${i}@example.org,,,2020-01-01,`);
await importMembers(runtime, CLI_ACTOR, `${lines.join('\n')}\n`, { dryRun: false });
// One real hash for everyone: the projections do not care, and hashing 1000 passwords would
// only measure yescrypt.
const hash = await runtime.accountHasher.hash(PASSWORD);
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

const root = join(dir, 'root');
for (const label of ['first sync (all files, all homes)', 'second sync (nothing changed)']) {
  const started = performance.now();
  const report = await runSync(runtime, { root });
  console.log(
    `${label}: ${(performance.now() - started).toFixed(0)} ms, ${report.written.length} files written, ${report.homesCreated.length} homes created`,
  );
}
const first = await runtime.db
  .selectFrom('accounts')
  .select('id')
  .orderBy('uid')
  .executeTakeFirstOrThrow();
await setAccountPassword(runtime, CLI_ACTOR, first.id, 'another long passphrase');
let started = performance.now();
const changed = await runSync(runtime, { root });
console.log(
  `sync after one password change: ${(performance.now() - started).toFixed(0)} ms, ${changed.written.length} files written`,
);

const hashTimes: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  started = performance.now();
  await runtime.accountHasher.verify(hash, PASSWORD);
  hashTimes.push(performance.now() - started);
}
console.log(`bare yescrypt check (cost 6) in this process: ${latencySummary(hashTimes)}`);
await runtime.close();

const server = await startTreff(['--config', file, '--internal-port', String(internalPort)]);
try {
  const secret = xmppAuthSecret(await readFile(config.paths.secretFile));
  const check = async (username: string) => {
    const begin = performance.now();
    const response = await fetch(`http://127.0.0.1:${internalPort}/internal/xmpp/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, host: 'chaostreff-osnabrueck.de', password: PASSWORD }),
    });
    await response.text();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return performance.now() - begin;
  };
  for (let i = 0; i < 20; i++) await check(`user${2 + (i % ACCOUNTS)}`);
  const endpoint: number[] = [];
  for (let i = 0; i < REQUESTS; i++) endpoint.push(await check(`user${2 + (i % (ACCOUNTS - 1))}`));
  console.log(`internal XMPP password check over HTTP: ${latencySummary(endpoint)}`);
  const p = (xs: number[], q: number) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      q,
    );
  console.log(
    `overhead beyond the hash: p50 ${(p(endpoint, 50) - p(hashTimes, 50)).toFixed(1)} ms, p95 ${(p(endpoint, 95) - p(hashTimes, 95)).toFixed(1)} ms`,
  );
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
  await rm(dir, { recursive: true, force: true });
}
