import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { decryptText, DOMAIN, makeKey, memberWithAccount } from '../../test/support/keys.ts';
import { buildAccessReport } from '../access/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { publishKeyDirectly } from '../keys/index.ts';
import { bookPayment, createMember, setFee } from '../members/index.ts';
import { compileRetention } from '../retention/index.ts';
import { claimSend } from './dunning.repo.ts';
import { approveReminders, planReminders, recordApproval, sendRun } from './dunning.service.ts';

const VISIBLE = { includeRestricted: false };

for (const dialect of TEST_DIALECTS) {
  describe(`payment reminders (${dialect})`, () => {
    let t: TestApp;
    let ada: string;

    /** A member paying 5 € a month from 1 January 2026 who has paid nothing (clock: 1 March). */
    async function owing(number: string, email: string | null): Promise<string> {
      const member = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: number, email: email ?? '', joinedOn: '2026-01-01' }),
      );
      await setFee(t.deps, CLI_ACTOR, VISIBLE, member.id, {
        amount: '5,00',
        intervalMonths: '1',
        validFrom: '2026-01-01',
      });
      return member.id;
    }

    beforeEach(async () => {
      t = await createTestApp(dialect);
      ada = await owing('42', 'ada@example.org');
    });
    afterEach(() => t.close());

    test('the preview names stage, claims with their limitation dates and the rendered mail; nothing is sent', async () => {
      const plan = await planReminders(t.deps);
      assert.equal(plan.due.length, 1);
      const [item] = plan.due;
      assert.equal(item?.stage.id, 'friendly');
      assert.equal(item?.claimDueOn, '2026-01-01');
      assert.deepEqual(
        item?.claims.map((claim) => [claim.dueOn, claim.limitationOn]),
        [
          ['2026-01-01', '2029-12-31'],
          ['2026-02-01', '2029-12-31'],
          ['2026-03-01', '2029-12-31'],
        ],
      );
      assert.match(item?.mail.text ?? '', /Hallo Ada Lovelace/);
      assert.match(item?.mail.text ?? '', /15,00\s€/);
      assert.match(item?.mail.text ?? '', /IBAN DE02 2655 0000 0000 1234 56 .*Chaos-Nr\. 42/);
      assert.equal(t.mail.sent.length, 0);
    });

    test('a reminder is never sent twice for the same stage, not even by two approvals at once', async () => {
      const keys = (await planReminders(t.deps)).due.map((item) => item.key);
      const runs = await Promise.all([
        approveReminders(t.deps, CLI_ACTOR, 'run-key-aaaaaaaaaaaaaaaa', keys),
        approveReminders(t.deps, CLI_ACTOR, 'run-key-bbbbbbbbbbbbbbbb', keys),
      ]);
      // The same approval posted again (a reload): no new run.
      const again = await approveReminders(t.deps, CLI_ACTOR, 'run-key-aaaaaaaaaaaaaaaa', keys);
      assert.deepEqual([...runs.map((run) => run.started), again.started], [true, true, false]);
      await t.settle();
      assert.equal(t.mail.sent.length, 1);
      const sends = await t.deps.db.selectFrom('reminder_sends').selectAll().execute();
      assert.equal(sends.length, 1);
      // The database refuses a second record of the stage for the claim by itself.
      const row = sends[0];
      assert.ok(row);
      assert.equal(
        await claimSend(t.deps.db, { ...row, id: 'another', run_id: row.run_id }),
        false,
      );
      assert.equal((await planReminders(t.deps)).due.length, 0, 'the next stage waits its days');
      t.clock.advance(14 * 86_400_000);
      const next = await planReminders(t.deps);
      assert.equal(next.due[0]?.stage.id, 'first');
    });

    test('a member who paid in between is not reminded', async () => {
      const alan = await owing('7', 'alan@example.org');
      const keys = (await planReminders(t.deps)).due.map((item) => item.key);
      assert.equal(keys.length, 2);
      await bookPayment(t.deps, CLI_ACTOR, VISIBLE, alan, {
        bookedOn: '2026-03-01',
        amount: '15,00',
        reference: 'Chaos-Nr. 7',
      });
      await recordApproval(t.deps, CLI_ACTOR, 'run-paid-in-between-0001', keys);
      const run = await sendRun(t.deps, CLI_ACTOR, 'run-paid-in-between-0001', keys);
      assert.equal(run.total, 2);
      assert.deepEqual([run.sent, run.skipped], [1, 1]);
      assert.deepEqual(
        t.mail.sent.map((mail) => mail.to),
        ['ada@example.org'],
      );
    });

    test('a member without a mail address is listed for a letter and not mailed', async () => {
      await owing('8', null);
      const plan = await planReminders(t.deps);
      const letter = plan.due.find((item) => item.member.memberNumber === '8');
      assert.equal(letter?.to, null);
    });

    test('the web preview, approval with its idempotency key, and the progress page', async () => {
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const page = await board.get('/admin/reminders');
      const html = await page.text();
      assert.match(html, /Freundliche Erinnerung/);
      assert.match(html, /31\.12\.2029/);
      const runKey = /name="runKey" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const keys = /name="keys" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const first = await board.post('/admin/reminders/approve', { runKey, keys });
      const reload = await board.post('/admin/reminders/approve', { runKey, keys });
      assert.equal(first.status, 303);
      assert.equal(reload.headers.get('location'), first.headers.get('location'));
      await t.settle();
      assert.equal(t.mail.sent.length, 1);
      const progress = await (await board.get(first.headers.get('location') ?? '')).text();
      assert.match(progress, /1 von 1 bearbeitet: 1 versandt, 0 übersprungen, 0 fehlgeschlagen/);
      assert.doesNotMatch(progress, /http-equiv="refresh"/);
      const treasurer = new TestClient(t.app);
      await treasurer.login('kasse', await addUser(t.deps, 'kasse', ['treasurer']));
      assert.doesNotMatch(await (await treasurer.get('/admin/reminders')).text(), /runKey/);
      assert.equal(
        (await treasurer.post('/admin/reminders/approve', { runKey: 'x', keys })).status,
        403,
      );
    });

    test('encrypted to the member key when treff has fingerprint and key, in the Art. 15 report, deleted when due', async () => {
      const memberId = await memberWithAccount(t, 'grace', '9', 'grace@example.org');
      await setFee(t.deps, CLI_ACTOR, VISIBLE, memberId, {
        amount: '5,00',
        intervalMonths: '1',
        validFrom: '2026-01-01',
      });
      const key = await makeKey([{ name: 'Grace', email: `grace@${DOMAIN}` }], t.clock.now());
      await publishKeyDirectly(t.deps, CLI_ACTOR, `grace@${DOMAIN}`, key.armored, {
        recordFingerprint: true,
      });
      const plan = await planReminders(t.deps);
      const grace = plan.due.find((item) => item.member.id === memberId);
      assert.equal(grace?.encrypted, true);
      assert.equal(plan.due.find((item) => item.member.id === ada)?.encrypted, false);
      const keys = plan.due.map((item) => item.key);
      await recordApproval(t.deps, CLI_ACTOR, 'run-encrypted-000000001', keys);
      await sendRun(t.deps, CLI_ACTOR, 'run-encrypted-000000001', keys);
      const mail = t.mail.sent.find(
        (sent) => sent.to === 'grace@example.org' && sent.subject.includes('Erinnerung'),
      );
      assert.ok(mail?.encrypted);
      const plain = await decryptText(mail.encrypted, key.privateKey, t.clock.now());
      assert.match(plain, /^Content-Type: text\/plain; charset=utf-8/);
      assert.match(plain, /Hallo Ada Lovelace,\r\n/);
      assert.equal(t.mail.sent.find((sent) => sent.to === 'ada@example.org')?.encrypted, undefined);
      const report = await buildAccessReport(t.deps, CLI_ACTOR, VISIBLE, memberId);
      assert.deepEqual(
        report.paymentReminders.map((row) => [row.stage, row.amount, row.encrypted]),
        [['friendly', '15.00', true]],
      );
      assert.ok(report.processing.some((entry) => entry.activity === 'payment-reminders'));
      // Kept three years from the end of 2026: still there at the end of 2029, gone in 2030.
      const job = compileRetention(t.deps.config).jobs.find(
        (entry) => entry.name === 'payment-reminders.1',
      );
      assert.ok(job);
      const context = { deps: t.deps, actor: CLI_ACTOR, dryRun: false, root: t.dir };
      t.clock.set(new Date('2029-12-31T12:00:00Z'));
      assert.equal((await job.run(context)).removed, 0);
      assert.equal((await t.deps.db.selectFrom('reminder_sends').select('id').execute()).length, 2);
      t.clock.set(new Date('2030-01-01T12:00:00Z'));
      assert.equal((await job.run(context)).removed, 2);
      assert.equal((await t.deps.db.selectFrom('reminder_sends').select('id').execute()).length, 0);
    });
  });
}
