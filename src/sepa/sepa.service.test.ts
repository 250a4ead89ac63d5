import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { directDebitYaml, validatePain008 } from '../../test/support/sepa.ts';
import { buildAccessReport } from '../access/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { CLI_VISIBILITY, createMember, setFee, updateMember } from '../members/index.ts';
import { compileRetention, runJob } from '../retention/index.ts';
import {
  addMandate,
  announceCollection,
  collectionFile,
  listMandates,
  preNotificationProgress,
  recordCollection,
  revokeMandate,
  sendPreNotifications,
} from './sepa.service.ts';

const IBAN_ADA = 'DE02 1203 0000 0000 2020 51';
const IBAN_BOB = 'DE02500105170137075030';

function mandate(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    memberNumber: '42',
    iban: IBAN_ADA,
    bic: 'BYLADEM1001',
    holder: 'Ada Lovelace',
    reference: 'M-42-2026',
    signedOn: '2026-02-01',
    sequence: 'FRST',
    ...overrides,
  };
}

async function member(t: TestApp, number: string, extra: Record<string, string> = {}) {
  const created = await createMember(
    t.deps,
    CLI_ACTOR,
    memberInput({ memberNumber: number, email: `m${number}@example.org`, ...extra }),
  );
  await setFee(t.deps, CLI_ACTOR, CLI_VISIBILITY, created.id, {
    amount: '5.00',
    intervalMonths: 1,
    validFrom: '2026-01-01',
  });
  return created;
}

for (const dialect of TEST_DIALECTS) {
  describe(`SEPA direct debit (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      const yaml = await directDebitYaml();
      t = await createTestApp(dialect, { configEdit: () => yaml });
    });
    afterEach(() => t.close());

    test('refuses an IBAN with wrong check digits and a malformed BIC, naming each field', async () => {
      await member(t, '42');
      await assert.rejects(
        addMandate(t.deps, CLI_ACTOR, mandate({ iban: 'DE03120300000000202051', bic: 'BYLA' })),
        (error: { code: string; issues: { path: string }[] }) => {
          assert.equal(error.code, 'mandate_invalid');
          assert.deepEqual(error.issues.map((issue) => issue.path).sort(), ['bic', 'iban']);
          return true;
        },
      );
      assert.deepEqual(await listMandates(t.deps), []);
    });

    test('stores the IBAN in electronic format and refuses a second mandate with the same reference', async () => {
      await member(t, '42');
      const row = await addMandate(t.deps, CLI_ACTOR, mandate());
      assert.equal(row.iban, 'DE02120300000000202051');
      await assert.rejects(addMandate(t.deps, CLI_ACTOR, mandate()), {
        code: 'mandate_reference_taken',
      });
    });

    test('a mandate lapses 36 months after its last use', async () => {
      await member(t, '42');
      await addMandate(t.deps, CLI_ACTOR, mandate({ signedOn: '2023-03-02' }));
      const [fresh] = await listMandates(t.deps);
      assert.equal(fresh?.status, 'active');
      assert.equal(fresh?.lapsesOn, '2026-03-02');
      t.clock.set('2026-03-02T10:00:00.000Z');
      const [lapsed] = await listMandates(t.deps);
      assert.equal(lapsed?.status, 'lapsed');
    });

    test('announces a collection only the declared days ahead, pre-notifies, and writes a pain.008.001.08 file that validates against the official XSD', async () => {
      const ada = await member(t, '42');
      await member(t, '43', { firstName: 'Bob', lastName: 'Müller-Lüdenscheidt' });
      await member(t, '44', { email: '' });
      await addMandate(t.deps, CLI_ACTOR, mandate());
      await addMandate(
        t.deps,
        CLI_ACTOR,
        mandate({
          memberNumber: '43',
          iban: IBAN_BOB,
          bic: '',
          holder: 'Bob Müller-Lüdenscheidt',
          reference: 'M-43',
          sequence: 'RCUR',
        }),
      );
      await addMandate(
        t.deps,
        CLI_ACTOR,
        mandate({ memberNumber: '44', iban: IBAN_BOB, reference: 'M-44' }),
      );

      await assert.rejects(announceCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-14' }), {
        code: 'collection_invalid',
      });
      const run = await announceCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-15' });
      assert.deepEqual(
        run.items.map((item) => [item.memberNumber, item.amount_cents, item.notice]).sort(),
        [
          ['42', 1500, 'queued'],
          ['43', 1500, 'queued'],
          ['44', 1500, 'noAddress'],
        ],
      );
      const notice = t.mail.sent.find((mail) => mail.to === 'm42@example.org');
      assert.ok(notice);
      assert.match(notice.text, /2026-03-15/);
      assert.match(notice.text, /15\.00 EUR/);
      assert.match(notice.text, /M-42-2026/);
      assert.match(notice.text, /DE98ZZZ09999999999/);
      assert.match(notice.text, /Mandate reference/);
      assert.equal(t.mail.sent.length, 2);

      const file = await collectionFile(t.deps, CLI_ACTOR, run.id);
      assert.equal(file.left, 1);
      const verdict = await validatePain008(file.xml, t.dir);
      assert.ok(verdict.valid, verdict.output);
      assert.match(file.xml, /<SeqTp>FRST<\/SeqTp>/);
      assert.match(file.xml, /<SeqTp>RCUR<\/SeqTp>/);
      assert.match(file.xml, /<MndtId>M-42-2026<\/MndtId>/);
      assert.doesNotMatch(file.xml, /M-44/);

      // The first export uses the mandates: FRST continues as RCUR, the 36 months restart.
      const used = (await listMandates(t.deps)).find((row) => row.member_id === ada.id);
      assert.equal(used?.sequence, 'RCUR');
      assert.equal(used?.last_collected_on, '2026-03-15');
      assert.equal((await collectionFile(t.deps, CLI_ACTOR, run.id)).xml, file.xml);
    });

    test('the XSD check can fail: a file without its collection date is rejected', async () => {
      await member(t, '42');
      await addMandate(t.deps, CLI_ACTOR, mandate());
      const run = await announceCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-20' });
      const { xml } = await collectionFile(t.deps, CLI_ACTOR, run.id);
      const broken = xml.replace(/<ReqdColltnDt>[^<]*<\/ReqdColltnDt>/, '');
      const verdict = await validatePain008(broken, t.dir);
      assert.equal(verdict.valid, false);
      assert.match(verdict.output, /ReqdColltnDt|Cdtr/);
    });

    test('a revoked mandate is not collected and is deleted 14 months after its end; the report lists it until then', async () => {
      const ada = await member(t, '42');
      await addMandate(t.deps, CLI_ACTOR, mandate());
      const [row] = await listMandates(t.deps);
      assert.ok(row);
      await revokeMandate(t.deps, CLI_ACTOR, row.id, '2026-03-01');
      await assert.rejects(announceCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-20' }), {
        code: 'collection_invalid',
      });
      const report = await buildAccessReport(t.deps, CLI_ACTOR, CLI_VISIBILITY, ada.id);
      assert.equal(report.directDebit.mandates[0]?.iban, 'DE02120300000000202051');

      const job = compileRetention(t.deps.config).jobs.find((j) =>
        j.name.startsWith('direct-debit'),
      );
      assert.ok(job, 'the declaration compiles to a mandate job');
      t.clock.set('2027-04-30T10:00:00.000Z');
      assert.equal((await runJob(t.deps, job, { dryRun: false })).removed, 0);
      t.clock.set('2027-05-01T10:00:00.000Z');
      assert.equal((await runJob(t.deps, job, { dryRun: false })).removed, 1);
      assert.deepEqual(await listMandates(t.deps), []);
    });

    test("a member's exit ends the mandate: no debit after the exit date", async () => {
      const ada = await member(t, '42');
      await addMandate(t.deps, CLI_ACTOR, mandate());
      await updateMember(t.deps, CLI_ACTOR, ada.id, {
        ...memberInput({ memberNumber: '42', email: 'm42@example.org' }),
        leftOn: '2026-03-10',
      });
      await assert.rejects(announceCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-20' }), {
        code: 'collection_invalid',
      });
    });

    test('the treasurer enters a mandate, announces a collection and downloads the file on the web', async () => {
      await member(t, '42');
      const board = new TestClient(t.app);
      await board.login('kasse', await addUser(t.deps, 'kasse', ['treasurer']));
      assert.match(await (await board.get('/admin/sepa')).text(), /name="iban"/);
      const bad = await board.post('/admin/sepa/mandates', mandate({ iban: 'DE00 1234' }));
      assert.equal(bad.status, 422);
      assert.match(await bad.text(), /not a valid IBAN/);
      const added = await board.post('/admin/sepa/mandates', mandate());
      assert.equal(added.status, 200);
      assert.match(await added.text(), /M-42-2026/);
      const form = await (await board.get('/admin/sepa')).text();
      const runKey = /name="runKey" value="([^"]+)"/.exec(form)?.[1] ?? '';
      const announced = await board.post('/admin/sepa/collections', {
        dueOn: '2026-03-16',
        runKey,
      });
      assert.equal(announced.status, 303, await announced.text());
      const location = announced.headers.get('location') ?? '';
      assert.match(location, /^\/admin\/sepa\/collections\/[^/]+\/progress$/);
      await t.settle();
      const page = await (await board.get(location)).text();
      assert.match(page, /1 von 1 Vorabankündigungen verschickt; 0 ohne E-Mail-Adresse/);
      assert.doesNotMatch(page, /http-equiv="refresh"/);
      const href = /href="(\/admin\/sepa\/collections\/[^"]+\/pain\.008\.xml)"/.exec(page)?.[1];
      assert.ok(href);
      const file = await board.get(href);
      assert.match(file.headers.get('content-type') ?? '', /application\/xml/);
      const verdict = await validatePain008(await file.text(), t.dir);
      assert.ok(verdict.valid, verdict.output);
    });

    test('the announcement sent twice at once, and again later, tells each member once', async () => {
      for (const number of ['42', '43', '44']) {
        await member(t, number, number === '44' ? { email: '' } : {});
        await addMandate(
          t.deps,
          CLI_ACTOR,
          mandate({ memberNumber: number, reference: `M-${number}`, holder: `Holder ${number}` }),
        );
      }
      // The mail server waits until the test lets it go on.
      const send = t.mail.send.bind(t.mail);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      t.mail.send = async (mail) => {
        await gate;
        return send(mail);
      };
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      const form = await (await board.get('/admin/sepa')).text();
      const runKey = /name="runKey" value="([^"]+)"/.exec(form)?.[1] ?? '';
      const posts = await Promise.all([
        board.post('/admin/sepa/collections', { dueOn: '2026-03-16', runKey }),
        board.post('/admin/sepa/collections', { dueOn: '2026-03-16', runKey }),
      ]);
      const location = `/admin/sepa/collections/${runKey}/progress`;
      assert.deepEqual(
        posts.map((response) => [response.status, response.headers.get('location')]),
        [
          [303, location],
          [303, location],
        ],
      );
      const running = await (await board.get(location)).text();
      assert.match(running, /<meta http-equiv="refresh" content="2"/);
      assert.match(running, /0 von 3 Vorabankündigungen verschickt/);

      release();
      await t.settle();
      const done = await (await board.get(location)).text();
      assert.doesNotMatch(done, /http-equiv="refresh"/);
      assert.match(
        done,
        /2 von 3 Vorabankündigungen verschickt; 1 ohne E-Mail-Adresse, 0 fehlgeschlagen, 0 offen\./,
      );
      assert.match(done, /<li>44 Ada Lovelace<\/li>/);

      // The form sent again after the run, and the retry button: nobody is told twice.
      await board.post('/admin/sepa/collections', { dueOn: '2026-03-16', runKey });
      await board.post(`/admin/sepa/collections/${runKey}/notify`);
      await t.settle();
      assert.deepEqual(t.mail.sent.map((mail) => mail.to).sort(), [
        'm42@example.org',
        'm43@example.org',
      ]);
      const collections = await t.deps.db.selectFrom('sepa_collections').select('id').execute();
      assert.deepEqual(collections, [{ id: runKey }]);

      // A second form (another tab, another board member), another key and date: the arrears
      // are in the collection still to come, so nobody is debited twice.
      await assert.rejects(
        recordCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-20' }, 'K'.repeat(20)),
        {
          code: 'collection_invalid',
          issues: [
            {
              path: 'dueOn',
              message:
                'no member with a valid mandate owes anything that is not in a collection still to come (3 are)',
            },
          ],
        },
      );
      // Once its due date has passed, the next collection may take what is still owed.
      t.clock.advance(30 * 86_400_000);
      const later = await recordCollection(t.deps, CLI_ACTOR, { dueOn: '2026-04-30' });
      assert.equal(later.started, true);
    });

    test('a pre-notification claimed by a run that died goes out once after the lease, never one already sent', async () => {
      await member(t, '42');
      await member(t, '43');
      await addMandate(t.deps, CLI_ACTOR, mandate());
      await addMandate(
        t.deps,
        CLI_ACTOR,
        mandate({ memberNumber: '43', reference: 'M-43', holder: 'Holder 43' }),
      );
      const { id } = await recordCollection(t.deps, CLI_ACTOR, { dueOn: '2026-03-16' });
      const items = await t.deps.db
        .selectFrom('sepa_collection_items')
        .select(['mandate_id', 'member_id'])
        .where('collection_id', '=', id)
        .execute();
      assert.equal(items.length, 2);
      const [told, claimed] = items;
      assert.ok(told && claimed);
      const at = t.clock.now().toISOString();
      const mark = (mandateId: string, notice: 'sent' | 'sending') =>
        t.deps.db
          .updateTable('sepa_collection_items')
          .set({ notice, noticed_at: at })
          .where('collection_id', '=', id)
          .where('mandate_id', '=', mandateId)
          .execute();
      await mark(told.mandate_id, 'sent');
      await mark(claimed.mandate_id, 'sending');
      assert.equal(await sendPreNotifications(t.deps, id), 0, 'the claim is still leased');
      t.clock.advance(11 * 60_000);
      await Promise.all([sendPreNotifications(t.deps, id), sendPreNotifications(t.deps, id)]);
      assert.deepEqual(
        t.mail.sent.map((mail) => mail.ref),
        [claimed.member_id],
      );
      const progress = await preNotificationProgress(t.deps, id);
      assert.deepEqual([progress.told, progress.open, progress.running], [2, 0, false]);
    });
  });
}
