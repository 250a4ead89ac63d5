import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { buildAccessReport } from '../access/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { MailDeliveryError } from '../core/mail/mailer.ts';
import { CLI_VISIBILITY, createMember } from '../members/index.ts';
import { compileRetention, runJob } from '../retention/index.ts';
import {
  attachMinutes,
  createInvitation,
  invitationProgress,
  invitationReport,
  sendByDate,
  sendInvitation,
  startInvitationRun,
} from './assembly.service.ts';

function refused(ref: string | null): MailDeliveryError {
  return new MailDeliveryError({
    code: 'mail_refused',
    command: 'RCPT TO',
    responseCode: 550,
    status: '5.1.1',
    messageId: null,
    ref,
  });
}

const INVITATION = {
  title: 'Ordentliche Mitgliederversammlung 2026',
  startsAt: '2026-03-20T19:00',
  mode: 'hybrid',
  place: 'Vereinsraum, Musterstraße 1',
  onlineAccess: 'https://meet.osna.social/mv2026 — Abstimmung per Handzeichen im Video',
  virtualResolution: '',
  agenda: '1. Bericht des Vorstands\n2. Entlastung\n3. Wahlen',
};

for (const dialect of TEST_DIALECTS) {
  describe(`assembly invitations (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    test('computes the deadline from the declared notice period and refuses an invitation that is too late', async () => {
      assert.equal(sendByDate('2026-03-20T19:00', 'P14D'), '2026-03-06');
      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      assert.equal(row.send_by, '2026-03-06');
      await assert.rejects(
        createInvitation(t.deps, CLI_ACTOR, { ...INVITATION, startsAt: '2026-03-14T19:00' }),
        (error: { code: string; issues: { message: string }[] }) => {
          assert.equal(error.code, 'invitation_too_late');
          assert.match(error.issues[0]?.message ?? '', /P14D .* by 2026-02-28/);
          return true;
        },
      );
    });

    test("a purely virtual assembly needs the members' resolution; a hybrid one the online access", async () => {
      await assert.rejects(
        createInvitation(t.deps, CLI_ACTOR, { ...INVITATION, mode: 'virtual', place: '' }),
        (error: { issues: { path: string }[] }) =>
          error.issues.some((issue) => issue.path === 'virtualResolution'),
      );
      await assert.rejects(
        createInvitation(t.deps, CLI_ACTOR, { ...INVITATION, onlineAccess: '' }),
        (error: { issues: { path: string }[] }) =>
          error.issues.some((issue) => issue.path === 'onlineAccess'),
      );
      const virtual = await createInvitation(t.deps, CLI_ACTOR, {
        ...INVITATION,
        mode: 'virtual',
        place: '',
        virtualResolution: 'Beschluss der MV vom 2025-03-21, TOP 7',
      });
      assert.equal(virtual.mode, 'virtual');
    });

    test('an invitation reaches every active member or names who it could not reach', async () => {
      const ada = await createMember(t.deps, CLI_ACTOR, memberInput());
      const bob = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '43', firstName: 'Bob', email: 'bob@example.org' }),
      );
      const carla = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '44', firstName: 'Carla', email: '' }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '45', email: 'gone@example.org', leftOn: '2026-01-31' }),
      );
      // Bob's server refuses the mail once.
      const send = t.mail.send.bind(t.mail);
      t.mail.send = (mail) =>
        mail.to === 'bob@example.org'
          ? Promise.reject(
              new MailDeliveryError({
                code: 'mail_refused',
                command: 'RCPT TO',
                responseCode: 550,
                status: '5.1.1',
                messageId: null,
                ref: mail.ref ?? null,
              }),
            )
          : send(mail);

      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      const first = await sendInvitation(t.deps, CLI_ACTOR, row.id);
      assert.equal(first.lines.length, 3, 'the former member is not invited');
      assert.deepEqual(
        first.unreached.map((line) => line.member.id),
        [bob.id],
      );
      assert.deepEqual(
        first.letters.map((line) => line.member.id),
        [carla.id],
      );
      const adaLine = first.lines.find((line) => line.member.id === ada.id);
      // The example club has no SMTP server: the mail waits in the outbox.
      assert.equal(adaLine?.delivery?.status, 'queued');
      assert.equal(adaLine?.delivery?.address, 'ada@example.org');
      assert.equal(
        first.lines.find((line) => line.member.id === bob.id)?.delivery?.error,
        'mail_refused 550 5.1.1',
      );
      const mail = t.mail.sent.find((sent) => sent.to === 'ada@example.org');
      assert.ok(mail);
      assert.match(mail.text, /2026-03-20/);
      assert.match(mail.text, /meet\.osna\.social\/mv2026/);
      assert.match(mail.text, /Entlastung/);
      assert.match(mail.text, /§ 32 Abs\. 2/);

      // A second run mails only whom the first did not reach: nobody gets it twice.
      t.mail.send = send;
      const second = await sendInvitation(t.deps, CLI_ACTOR, row.id);
      assert.deepEqual(second.unreached, []);
      assert.equal(t.mail.sent.filter((sent) => sent.to === 'ada@example.org').length, 1);
      assert.equal(t.mail.sent.filter((sent) => sent.to === 'bob@example.org').length, 1);

      const report = await buildAccessReport(t.deps, CLI_ACTOR, CLI_VISIBILITY, ada.id);
      assert.equal(report.assemblyInvitations[0]?.status, 'queued');
    });

    test('refuses to send after the deadline', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput());
      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      t.clock.set('2026-03-07T10:00:00.000Z');
      await assert.rejects(sendInvitation(t.deps, CLI_ACTOR, row.id), {
        code: 'invitation_too_late',
      });
      assert.equal((await invitationReport(t.deps, row.id)).unreached.length, 1);
      assert.equal(t.mail.sent.length, 0);
    });

    test('keeps the minutes 0600 and refuses a file over the limit', async () => {
      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      await attachMinutes(t.deps, CLI_ACTOR, row.id, {
        name: 'protokoll.pdf',
        bytes: new TextEncoder().encode('%PDF-1.4 minutes'),
      });
      const file = join(t.deps.config.paths.dataDir, 'assembly-minutes', row.id);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const limit = t.deps.config.members.assembly?.minutesMaxBytes ?? 0;
      await assert.rejects(
        attachMinutes(t.deps, CLI_ACTOR, row.id, {
          name: 'big.pdf',
          bytes: new Uint8Array(limit + 1),
        }),
        { code: 'minutes_too_large' },
      );
    });

    test('the board sends from the web page: a progress page, a letter listed, a failure named; delivery records go 3 years after the year ends', async () => {
      const ada = await createMember(t.deps, CLI_ACTOR, memberInput());
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '43', firstName: 'Bob', email: 'bob@example.org' }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '44',
          firstName: 'Carla',
          email: '',
          street: 'Lindenweg 3',
          postcode: '49074',
          city: 'Osnabrück',
        }),
      );
      // The mail server waits until the test lets it go on, and refuses Bob.
      const send = t.mail.send.bind(t.mail);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      t.mail.send = async (mail) => {
        await gate;
        if (mail.to === 'bob@example.org') throw refused(mail.ref ?? null);
        return send(mail);
      };
      const board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      await board.get('/admin/assemblies');
      const created = await board.post('/admin/assemblies', INVITATION);
      assert.equal(created.status, 200);
      const id = /\/admin\/assemblies\/([^/"]+)\/send/.exec(await created.text())?.[1];
      assert.ok(id);

      // A double click: two POSTs at once join one run.
      const posts = await Promise.all([
        board.post(`/admin/assemblies/${id}/send`),
        board.post(`/admin/assemblies/${id}/send`),
      ]);
      assert.deepEqual(
        posts.map((response) => [response.status, response.headers.get('location')]),
        [
          [303, `/admin/assemblies/${id}/progress`],
          [303, `/admin/assemblies/${id}/progress`],
        ],
      );
      const running = await (await board.get(`/admin/assemblies/${id}/progress`)).text();
      assert.match(running, /<meta http-equiv="refresh" content="2"/);
      assert.match(running, /0 von 3 per E-Mail eingeladen/);
      assert.match(running, /Der Versand läuft/);

      release();
      await t.settle();
      const done = await (await board.get(`/admin/assemblies/${id}/progress`)).text();
      assert.doesNotMatch(done, /http-equiv="refresh"/);
      assert.match(
        done,
        /1 von 3 per E-Mail eingeladen; 1 brauchen einen Brief, 1 nicht erreicht, 0 offen\./,
      );
      assert.match(done, /44 Carla Lovelace · Lindenweg 3, 49074 Osnabrück/);
      assert.match(done, /43 Bob Lovelace · bob@example\.org · mail_refused 550 5\.1\.1/);
      assert.equal(t.mail.sent.length, 1);

      // Sent again after the run: only Bob, whose mail failed, is tried again; Ada not.
      t.mail.send = send;
      const again = await board.post(`/admin/assemblies/${id}/send`);
      assert.equal(again.status, 303);
      await t.settle();
      assert.deepEqual(
        t.mail.sent.map((mail) => mail.to),
        ['ada@example.org', 'bob@example.org'],
      );
      const proof = await (await board.get(`/admin/assemblies/${id}`)).text();
      assert.match(proof, /Jedes aktive Mitglied ist eingeladen/);
      const report = await invitationReport(t.deps, id);
      assert.equal(
        report.lines.find((line) => line.member.id === ada.id)?.delivery?.status,
        'queued',
      );

      const jobs = compileRetention(t.deps.config).jobs.filter((job) =>
        job.name.startsWith('assembly-invitations'),
      );
      assert.equal(jobs.length, 2);
      const deliveries = jobs[0];
      assert.ok(deliveries);
      t.clock.set('2029-12-31T10:00:00.000Z');
      assert.equal((await runJob(t.deps, deliveries, { dryRun: false })).removed, 0);
      t.clock.set('2030-01-01T10:00:00.000Z');
      assert.equal((await runJob(t.deps, deliveries, { dryRun: false })).removed, 3);
    });

    test('two runs at once mail each member exactly one invitation', async () => {
      for (const number of ['42', '43', '44', '45', '46'])
        await createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({ memberNumber: number, email: `m${number}@example.org` }),
        );
      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      await Promise.all([
        sendInvitation(t.deps, CLI_ACTOR, row.id),
        sendInvitation(t.deps, CLI_ACTOR, row.id),
        sendInvitation(t.deps, CLI_ACTOR, row.id),
      ]);
      assert.deepEqual(t.mail.sent.map((mail) => mail.to).sort(), [
        'm42@example.org',
        'm43@example.org',
        'm44@example.org',
        'm45@example.org',
        'm46@example.org',
      ]);
      assert.deepEqual((await invitationReport(t.deps, row.id)).unreached, []);
    });

    test('after a crash a later send mails whom the dead run left, never whom it reached', async () => {
      const ada = await createMember(t.deps, CLI_ACTOR, memberInput());
      const bob = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '43', firstName: 'Bob', email: 'bob@example.org' }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '44', firstName: 'Cem', email: 'cem@example.org' }),
      );
      const row = await createInvitation(t.deps, CLI_ACTOR, INVITATION);
      // The dead run mailed Ada, had claimed Bob, and never reached Cem; its run row still runs.
      const at = t.clock.now().toISOString();
      const base = { assembly_id: row.id, channel: 'mail' as const, at, error: null };
      await t.deps.db
        .insertInto('assembly_deliveries')
        .values([
          { ...base, member_id: ada.id, address: 'ada@example.org', status: 'sent' },
          { ...base, member_id: bob.id, address: 'bob@example.org', status: 'sending' },
        ])
        .execute();
      await t.deps.db
        .insertInto('mail_runs')
        .values({
          id: 'dead-run',
          subject: `assembly:${row.id}`,
          active: `assembly:${row.id}`,
          state: 'running',
          started_by: 'user:-',
          started_at: at,
          heartbeat_at: at,
          finished_at: null,
        })
        .execute();
      // Within the lease the dead run still counts as running: a start joins it.
      const joined = await startInvitationRun(t.deps, CLI_ACTOR, row.id);
      assert.deepEqual(joined, { runId: 'dead-run', started: false });
      assert.equal((await invitationProgress(t.deps, row.id)).running, true);

      t.clock.advance(11 * 60_000);
      assert.equal((await invitationProgress(t.deps, row.id)).running, false);
      const taken = await startInvitationRun(t.deps, CLI_ACTOR, row.id);
      assert.equal(taken.started, true);
      await t.settle();
      assert.deepEqual(
        t.mail.sent.map((mail) => mail.to),
        ['bob@example.org', 'cem@example.org'],
      );
      const progress = await invitationProgress(t.deps, row.id);
      assert.deepEqual([progress.running, progress.open, progress.mailed], [false, 0, 3]);
      const dead = await t.deps.db
        .selectFrom('mail_runs')
        .select('state')
        .where('id', '=', 'dead-run')
        .executeTakeFirstOrThrow();
      assert.equal(dead.state, 'abandoned');
    });
  });
}
