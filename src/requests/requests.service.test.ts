import assert from 'node:assert/strict';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { decryptText, DOMAIN, makeKey, memberWithAccount } from '../../test/support/keys.ts';
import {
  checkServiceLogin,
  getAccountByUsername,
  getAccountOfMember,
  setAccountPassword,
} from '../accounts/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { AppError } from '../core/errors.ts';
import { createKeyDirectory, publishKeyDirectly, wkdHandler, wkdHash } from '../keys/index.ts';
import { createMember, getMember } from '../members/index.ts';
import { compileRetention } from '../retention/index.ts';
import {
  ANSWERS_PER_HOUR,
  approveRequest,
  changeRequestKind,
  confirmRequest,
  denyRequest,
  extendRequest,
  getRequest,
  recordRequest,
  sendDueReminders,
  verifyRequest,
  type NewRequest,
} from './index.ts';

const BOARD = { type: 'user' as const, id: 'board-user' };

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error.code;
  }
  assert.fail('no error');
}

function mailRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    kind: 'access',
    channel: 'mail',
    receivedAt: new Date('2026-03-01T10:00:00.000Z'),
    lang: 'de',
    identity: { kind: 'unknown' },
    replyTo: 'someone@example.net',
    subject: 'Auskunft',
    ...overrides,
  };
}

/** The token of the confirmation link in a mail text. */
function tokenIn(text: string): string {
  const token = /\/requests\/confirm\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no link in ${text}`);
  return token;
}

for (const dialect of TEST_DIALECTS) {
  describe(`request ledger (${dialect})`, () => {
    let t: TestApp;
    let adaId: string;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      adaId = (await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }))).id;
    });
    afterEach(() => t.close());

    test('a request is due one month after receipt, on a working day', async () => {
      const { dueOn } = await recordRequest(
        t.deps,
        CLI_ACTOR,
        mailRequest({ receivedAt: new Date('2026-01-31T12:00:00.000Z') }),
      );
      // 28 Feb 2026 is a Saturday.
      assert.equal(dueOn, '2026-03-02');
    });

    test('a mail from the registered address sends a one-time link there and pauses the clock', async () => {
      const { id } = await recordRequest(
        t.deps,
        CLI_ACTOR,
        mailRequest({
          identity: { kind: 'registered-address', memberId: adaId },
          replyTo: 'ada@example.org',
        }),
      );
      assert.equal((await getRequest(t.deps, id)).state, 'awaiting-confirmation');
      assert.equal(t.mail.sent.length, 1);
      const [link] = t.mail.sent;
      assert.equal(link?.to, 'ada@example.org');
      assert.equal(link?.headers?.['Auto-Submitted'], 'auto-replied');
      assert.equal(await errorCode(approveRequest(t.deps, BOARD, id)), 'requests.unverified');
      // Confirmed three days later: the due date moves from 1 Apr by three days.
      t.clock.set('2026-03-04T09:00:00.000Z');
      const token = tokenIn(link?.text ?? '');
      const confirmed = await confirmRequest(t.deps, token);
      assert.equal(confirmed?.state, 'open');
      assert.equal(confirmed?.pausedDays, 3);
      // 1 Apr + 3 days = 4 Apr, a Saturday; Easter Monday 6 Apr → Tuesday 7 Apr.
      assert.equal(confirmed?.dueOn, '2026-04-07');
      assert.equal(await confirmRequest(t.deps, token), null, 'the link works once');
    });

    test('a confirmation link expires after seven days', async () => {
      await recordRequest(
        t.deps,
        CLI_ACTOR,
        mailRequest({ identity: { kind: 'registered-address', memberId: adaId } }),
      );
      t.clock.advance(7 * 86_400_000 + 1000);
      assert.equal(await confirmRequest(t.deps, tokenIn(t.mail.sent[0]?.text ?? '')), null);
    });

    test('nothing is executed for an unverified request; the board verifies and records how', async () => {
      const { id } = await recordRequest(
        t.deps,
        CLI_ACTOR,
        mailRequest({ kind: 'account.create', username: 'ada' }),
      );
      assert.equal(await errorCode(approveRequest(t.deps, BOARD, id)), 'requests.unverified');
      assert.equal(await getAccountOfMember(t.deps, adaId), undefined);
      assert.equal(
        await errorCode(verifyRequest(t.deps, BOARD, id, { how: ' ' })),
        'requests.how_required',
      );
      const verified = await verifyRequest(t.deps, BOARD, id, {
        how: 'Anruf, Rückruf unter der registrierten Nummer',
        memberId: adaId,
      });
      assert.equal(verified.state, 'open');
      assert.equal(verified.memberId, adaId);
    });

    test('approving an account request produces an account the mail login accepts', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, {
        ...mailRequest({ kind: 'account.create', username: 'ada' }),
        identity: { kind: 'signed', memberId: adaId, fingerprint: 'AB'.repeat(20) },
        replyTo: 'ada@example.org',
      });
      const { request, execution, mailed } = await approveRequest(t.deps, BOARD, id);
      assert.equal(execution.outcome, 'account.created');
      assert.equal(request.state, 'done');
      assert.equal(mailed, true);
      const account = await getAccountByUsername(t.deps, 'ada');
      assert.equal(account.status, 'active');
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, 'correct horse battery staple');
      const login = await checkServiceLogin(t.deps, 'ada', 'correct horse battery staple', 'web');
      assert.equal(login?.username, 'ada');
    });

    test('a key-removal request empties the WKD entry', async () => {
      const bobId = await memberWithAccount(t, 'bob', '43');
      const key = await makeKey([{ email: `bob@${DOMAIN}` }], t.clock.now());
      await publishKeyDirectly(t.deps, CLI_ACTOR, `bob@${DOMAIN}`, key.armored, {
        recordFingerprint: false,
      });
      const directory = createKeyDirectory(t.deps, { checkIntervalMs: 0, rebuildIntervalMs: 0 });
      const handler = wkdHandler(t.deps, directory);
      const url = `http://127.0.0.1:8080/.well-known/openpgpkey/hu/${wkdHash('bob')}`;
      assert.equal((await handler(new Request(url))).status, 200);
      const { id } = await recordRequest(
        t.deps,
        { type: 'member', id: bobId },
        {
          kind: 'key.remove',
          channel: 'portal',
          receivedAt: t.clock.now(),
          lang: 'en',
          identity: { kind: 'portal', memberId: bobId },
          replyTo: 'bob@example.org',
        },
      );
      const { execution } = await approveRequest(t.deps, BOARD, id);
      assert.equal(execution.outcome, 'key.removed');
      assert.equal((await handler(new Request(url))).status, 404);
    });

    test('the access report goes encrypted to a published key, else as a portal link', async () => {
      const bobId = await memberWithAccount(t, 'bob', '43', 'bob@example.org');
      const key = await makeKey([{ email: `bob@${DOMAIN}` }], t.clock.now());
      await publishKeyDirectly(t.deps, CLI_ACTOR, `bob@${DOMAIN}`, key.armored, {
        recordFingerprint: false,
      });
      t.mail.sent.length = 0;
      const bob = await recordRequest(t.deps, CLI_ACTOR, {
        ...mailRequest(),
        identity: { kind: 'portal', memberId: bobId },
        replyTo: 'bob@example.org',
      });
      const done = await approveRequest(t.deps, BOARD, bob.id);
      assert.equal(done.execution.outcome, 'report.encrypted');
      const report = t.mail.sent.find((mail) => mail.text.includes('BEGIN PGP MESSAGE'));
      assert.ok(report, 'an encrypted mail went out');
      assert.doesNotMatch(report.text, /Beispielweg/);
      const plain = await decryptText(report.text, key.privateKey, t.clock.now());
      assert.match(plain, /Beispielweg 1/);
      for (const mail of t.mail.sent) assert.doesNotMatch(mail.text, /Beispielweg|1990-12-10/);

      const ada = await recordRequest(t.deps, CLI_ACTOR, {
        ...mailRequest({ lang: 'en' }),
        identity: { kind: 'portal', memberId: adaId },
        replyTo: 'ada@example.org',
      });
      const linked = await approveRequest(t.deps, BOARD, ada.id);
      assert.equal(linked.execution.outcome, 'report.portal');
      const answer = t.mail.sent.at(-1);
      assert.equal(answer?.to, 'ada@example.org');
      assert.match(answer?.text ?? '', /\/me\/data/);
      assert.doesNotMatch(answer?.text ?? '', /Beispielweg|1990-12-10|Lovelace/);
    });

    test('an auto-submitted mail is never answered (RFC 3834)', async () => {
      const { id } = await recordRequest(
        t.deps,
        CLI_ACTOR,
        mailRequest({
          identity: { kind: 'registered-address', memberId: adaId },
          autoSubmitted: true,
        }),
      );
      const request = await getRequest(t.deps, id);
      assert.equal(request.state, 'awaiting-verification', 'no confirmation link either');
      await verifyRequest(t.deps, BOARD, id, { how: 'persönlich beim Treffen' });
      await extendRequest(t.deps, BOARD, id, 'viele Anfragen');
      await approveRequest(t.deps, BOARD, id);
      assert.deepEqual(t.mail.sent, []);
    });

    test(`at most ${ANSWERS_PER_HOUR} answers go to one sender per hour`, async () => {
      for (let i = 0; i < ANSWERS_PER_HOUR + 2; i++) {
        await recordRequest(t.deps, CLI_ACTOR, mailRequest());
      }
      assert.equal(t.mail.sent.length, ANSWERS_PER_HOUR);
      t.clock.advance(3_600_000);
      await recordRequest(t.deps, CLI_ACTOR, mailRequest());
      assert.equal(t.mail.sent.length, ANSWERS_PER_HOUR + 1);
    });

    test('an extension moves the deadline by two months and mails the reason', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, mailRequest({ lang: 'en' }));
      t.mail.sent.length = 0;
      assert.equal(
        await errorCode(extendRequest(t.deps, BOARD, id, '')),
        'requests.reason_required',
      );
      const { request, mailed } = await extendRequest(
        t.deps,
        BOARD,
        id,
        'The request covers ten years of records.',
      );
      assert.equal(mailed, true);
      assert.equal(request.originalDueOn, '2026-04-01');
      assert.equal(request.dueOn, '2026-06-01');
      assert.equal(t.mail.sent[0]?.to, 'someone@example.net');
      assert.match(t.mail.sent[0]?.text ?? '', /ten years of records/);
      assert.match(t.mail.sent[0]?.text ?? '', /Art\. 12\(3\)/);
      assert.equal(
        await errorCode(extendRequest(t.deps, BOARD, id, 'again')),
        'requests.already_extended',
      );
    });

    test('an extension is refused once the first month has passed', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, mailRequest());
      t.clock.set('2026-04-02T08:00:00.000Z');
      assert.equal(await errorCode(extendRequest(t.deps, BOARD, id, 'zu spät')), 'requests.closed');
    });

    test('the board is reminded 14, 7 and 3 days before the due date, once each', async () => {
      await recordRequest(t.deps, CLI_ACTOR, mailRequest({ replyTo: null }));
      // Due 1 Apr 2026.
      const board = () =>
        t.mail.sent.filter((mail) => mail.to === t.deps.config.club.contacts.board);
      t.clock.set('2026-03-17T08:00:00.000Z');
      assert.equal(await sendDueReminders(t.deps), 0);
      t.clock.set('2026-03-18T08:00:00.000Z');
      assert.equal(await sendDueReminders(t.deps), 1);
      assert.equal(await sendDueReminders(t.deps), 0);
      t.clock.set('2026-03-25T08:00:00.000Z');
      assert.equal(await sendDueReminders(t.deps), 1);
      t.clock.set('2026-03-29T08:00:00.000Z');
      assert.equal(await sendDueReminders(t.deps), 1);
      t.clock.set('2026-03-31T08:00:00.000Z');
      assert.equal(await sendDueReminders(t.deps), 0);
      assert.deepEqual(
        board().map((mail) => /in (\d+) Tagen/.exec(mail.subject)?.[1]),
        ['14', '7', '3'],
      );
    });

    test('closing deletes the raw mail and the requester’s address', async () => {
      await mkdir(join(t.dir, 'requests'), { recursive: true });
      const file = join(t.dir, 'requests', 'mail.eml');
      await writeFile(file, 'From: someone@example.net\n\nBitte löschen.\n');
      const { id } = await recordRequest(t.deps, CLI_ACTOR, mailRequest({ mailFile: file }));
      const { request } = await denyRequest(t.deps, BOARD, id, 'Wir konnten dich nicht zuordnen.');
      assert.equal(request.state, 'denied');
      assert.equal(request.mailFile, null);
      assert.equal(request.replyTo, null);
      await assert.rejects(stat(file), { code: 'ENOENT' });
    });

    test('the audit log records every state change with ids and field names only', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, mailRequest({ kind: 'other' }));
      await changeRequestKind(t.deps, BOARD, id, 'access');
      await verifyRequest(t.deps, BOARD, id, { how: 'Brief mit Unterschrift', memberId: adaId });
      await extendRequest(t.deps, BOARD, id, 'Geheimer Grund');
      await denyRequest(t.deps, BOARD, id, 'Noch ein Grund');
      const rows = await t.deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('object_id', '=', id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((row) => row.event),
        [
          'requests.request.recorded',
          'requests.request.kind_changed',
          'requests.request.verified',
          'requests.request.extended',
          'requests.request.denied',
        ],
      );
      const text = JSON.stringify(rows);
      for (const value of ['someone@example.net', 'Brief', 'Geheimer', 'Noch ein', 'Auskunft']) {
        assert.doesNotMatch(text, new RegExp(value));
      }
      assert.equal((await getMember(t.deps, { includeRestricted: true }, adaId)).id, adaId);
    });

    test('the retention job compiled from the declaration deletes ledger rows three years after closing', async () => {
      const jobs = compileRetention(t.deps.config).jobs.filter((job) =>
        job.name.startsWith('data-subject-requests.'),
      );
      assert.deepEqual(
        jobs.map((job) => job.name),
        ['data-subject-requests.1', 'data-subject-requests.2'],
      );
      const { id } = await recordRequest(t.deps, CLI_ACTOR, mailRequest());
      await denyRequest(t.deps, BOARD, id, 'unbekannt');
      const run = () =>
        Promise.all(
          jobs.map((job) => job.run({ deps: t.deps, actor: CLI_ACTOR, dryRun: false, root: '/' })),
        );
      t.clock.advance(3 * 365 * 86_400_000);
      await run();
      assert.equal((await getRequest(t.deps, id)).state, 'denied', 'kept for three years');
      t.clock.advance(2 * 86_400_000);
      await run();
      assert.equal(await errorCode(getRequest(t.deps, id)), 'requests.not_found');
    });
  });
}
