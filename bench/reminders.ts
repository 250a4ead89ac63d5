/**
 * Reminder mail benchmark (issue 16), run by hand as root (the daemons run in a private mount
 * namespace, as in the integration tests):
 *
 *   node --import tsx bench/reminders.ts [--members 1000]
 *
 * 1,000 members in arrears, each with a club mail account; the real Dovecot and Postfix of the
 * test setup on loopback high ports (test/support/account-stack.ts). treff plans the reminders,
 * records the approval and sends every one through Postfix's SMTP port (the smtp mailer);
 * reported: the time until Postfix has accepted all and until Dovecot has delivered all, as
 * mails per second. The peer is the outbox mailer (files, no SMTP) sending the same run.
 */
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAccount, runSync } from '../src/accounts/index.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { outboxMailer, smtpMailer } from '../src/core/mail/mailer.ts';
import { planReminders, recordApproval, sendRun } from '../src/dunning/index.ts';
import { importMembers, setFee } from '../src/members/index.ts';
import { renderAll } from '../src/services/index.ts';
import { startAccountStack } from '../test/support/account-stack.ts';
import { createTestApp } from '../test/support/app.ts';
import { waitFor } from '../test/support/daemons.ts';
import {
  isRoot,
  ratio,
  runIfMain,
  skippedRow,
  type BenchOptions,
  type BenchRow,
} from './support.ts';

const DOMAIN = 'chaostreff-osnabrueck.de';
const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

async function countDelivered(home: string): Promise<number> {
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/[/](new|cur)$/.test(dir)) count++;
    }
  };
  await walk(home);
  return count;
}

/** Runs the benchmark and returns its rows. */
export async function run({ args, log }: BenchOptions): Promise<BenchRow[]> {
  const { values } = parseArgs({
    args: [...args],
    options: { members: { type: 'string', default: '1000' } },
  });
  const members = Number(values.members);
  if (!isRoot())
    return [
      skippedRow(
        `${members} reminder mails, approved run → Postfix accepted`,
        'throughput reported',
        'needs root (daemons in a private mount namespace)',
      ),
    ];
  const t = await createTestApp('sqlite');
  const root = await mkdtemp('/run/treff-bench-reminders-');
  await chmod(root, 0o755);
  try {
    const csv = [
      HEADER,
      ...Array.from(
        { length: members },
        (_, i) => `${i + 1},V${i},N${i},,,,,m${i + 1}@${DOMAIN},,,2026-01-01,`,
      ),
    ].join('\n');
    await importMembers(t.deps, CLI_ACTOR, csv, { dryRun: false });
    const all = await t.deps.db.selectFrom('members').select(['id', 'member_number']).execute();
    for (const member of all) {
      await setFee(t.deps, CLI_ACTOR, { includeRestricted: false }, member.id, {
        amount: '5,00',
        intervalMonths: '1',
        validFrom: '2026-01-01',
      });
      await createAccount(t.deps, CLI_ACTOR, member.id, `m${member.member_number}`);
    }
    await runSync(t.deps, { root });
    const stack = await startAccountStack(root, renderAll(t.deps.config));
    try {
      const plan = await planReminders(t.deps);
      const keys = plan.due.map((item) => item.key);
      // The test Postfix offers STARTTLS with a self-signed certificate on loopback; treff's
      // smtp mailer verifies certificates, so this benchmark process alone accepts it.
      process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
      const smtp = smtpMailer({
        from: `treff@${DOMAIN}`,
        host: '127.0.0.1',
        port: stack.smtpPort,
        secure: false,
      });
      await recordApproval(t.deps, CLI_ACTOR, 'bench-smtp-run-00000001', keys);
      const started = performance.now();
      const result = await sendRun(
        { ...t.deps, mailer: smtp },
        CLI_ACTOR,
        'bench-smtp-run-00000001',
        keys,
      );
      const accepted = performance.now() - started;
      if (result.sent !== keys.length)
        throw new Error(
          `sent ${result.sent} of ${keys.length} (${result.failed} failed, ${result.skipped} skipped)\n${(await stack.logs()).slice(-3000)}`,
        );
      await waitFor(
        'every reminder delivered',
        async () => ((await countDelivered(join(root, 'home'))) >= result.sent ? true : undefined),
        { timeoutMs: 300_000 },
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${(await stack.logs()).slice(-4000)}`);
      });
      const delivered = performance.now() - started;

      // The peer: the same run into the outbox directory, on the same data (fresh records).
      await t.deps.db.deleteFrom('reminder_sends').execute();
      const outbox = outboxMailer({
        from: `treff@${DOMAIN}`,
        dir: join(t.dir, 'outbox'),
        clock: t.clock,
      });
      await recordApproval(t.deps, CLI_ACTOR, 'bench-outbox-run-000001', keys);
      const peerStarted = performance.now();
      await sendRun({ ...t.deps, mailer: outbox }, CLI_ACTOR, 'bench-outbox-run-000001', keys);
      const peer = performance.now() - peerStarted;
      log(
        `sent ${result.sent}: accepted after ${Math.round(accepted)} ms, delivered after ${Math.round(delivered)} ms, outbox ${Math.round(peer)} ms`,
      );
      const rate = (ms: number) => `${Math.round((result.sent / ms) * 1000)} mails/s`;
      return [
        {
          name: `${result.sent} reminder mails, approved run → Postfix accepted`,
          treff: `${(accepted / 1000).toFixed(1)} s (${rate(accepted)})`,
          peer: `outbox mailer (files) ${(peer / 1000).toFixed(1)} s (${rate(peer)})`,
          ratio: ratio(accepted, peer),
          target: 'throughput reported',
          met: null,
        },
        {
          name: `${result.sent} reminder mails → delivered by Dovecot (LMTP)`,
          treff: `${(delivered / 1000).toFixed(1)} s (${rate(delivered)})`,
          peer: '–',
          ratio: '–',
          target: 'throughput reported',
          met: null,
        },
      ];
    } finally {
      await stack.stop();
    }
  } finally {
    await t.close();
    await rm(root, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, run);
