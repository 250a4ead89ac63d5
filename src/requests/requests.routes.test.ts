import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { memberPortalClient, TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import { getRequest, listRequests, recordRequest } from './index.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`request pages (${dialect})`, () => {
    let t: TestApp;
    let adaId: string;
    let board: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      adaId = (await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }))).id;
      board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
    });
    afterEach(() => t.close());

    test('the board sees due dates, state and the mail as sent, in German and English', async () => {
      const mailFile = join(t.dir, 'request.eml');
      await writeFile(
        mailFile,
        'From: <x@example.net>\nSubject: Auskunft\n\n<b>Bitte Auskunft</b>\n',
      );
      const { id } = await recordRequest(t.deps, CLI_ACTOR, {
        kind: 'access',
        channel: 'mail',
        // Due 12 Mar; the board looks on 1 Mar.
        receivedAt: new Date('2026-02-12T10:00:00.000Z'),
        lang: 'de',
        identity: { kind: 'unknown' },
        replyTo: 'x@example.net',
        mailFile,
      });
      const de = await (await board.get('/admin/requests?lang=de')).text();
      assert.match(de, /Auskunft \(Art\. 15\)/);
      assert.match(de, /Identität prüfen/);
      assert.match(de, /12\.03\.2026/);
      assert.match(de, /bald fällig/);
      const en = await (await board.get('/admin/requests?lang=en')).text();
      assert.match(en, /Access \(Art\. 15\)/);
      assert.match(en, /verify identity/);
      assert.match(en, /due soon/);
      const detail = await (await board.get(`/admin/requests/${id}?lang=en`)).text();
      assert.match(detail, /The mail as it arrived/);
      assert.match(detail, /&lt;b&gt;Bitte Auskunft&lt;\/b&gt;/, 'shown as text, escaped');
      await recordRequest(t.deps, CLI_ACTOR, {
        kind: 'other',
        channel: 'mail',
        receivedAt: new Date('2026-01-20T10:00:00.000Z'),
        lang: 'de',
        identity: { kind: 'unknown' },
        replyTo: null,
      });
      assert.match(await (await board.get('/admin/requests?lang=en')).text(), /overdue/);
    });

    test('approving an unverified request on the page is refused and executes nothing', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, {
        kind: 'restriction',
        channel: 'mail',
        receivedAt: t.clock.now(),
        lang: 'de',
        identity: { kind: 'unknown' },
        replyTo: null,
      });
      await board.get(`/admin/requests/${id}`);
      const refused = await board.post(`/admin/requests/${id}/approve`, {});
      assert.equal(refused.status, 409);
      assert.match(await refused.text(), /not verified/);
      assert.equal((await getRequest(t.deps, id)).state, 'awaiting-verification');
      const verified = await board.post(`/admin/requests/${id}/verify`, {
        how: 'Brief mit Unterschrift',
        memberNumber: '42',
      });
      assert.equal(verified.status, 303);
      assert.equal((await board.post(`/admin/requests/${id}/approve`, {})).status, 303);
      const done = await getRequest(t.deps, id);
      assert.equal(done.state, 'done');
      assert.equal(done.outcome, 'member.restricted');
    });

    test('the board records a letter as a verified request', async () => {
      await board.get('/admin/requests');
      const response = await board.post('/admin/requests', {
        kind: 'erasure',
        memberNumber: '42',
        receivedOn: '2026-02-27',
        how: 'Brief, Unterschrift verglichen',
        lang: 'de',
        replyTo: '',
      });
      assert.equal(response.status, 303);
      const id = /\/admin\/requests\/([0-9a-f-]+)/.exec(
        response.headers.get('location') ?? '',
      )?.[1];
      const request = await getRequest(t.deps, id ?? '');
      assert.equal(request.channel, 'board');
      assert.equal(request.state, 'open');
      assert.equal(request.memberId, adaId);
      assert.equal(request.dueOn, '2026-03-27');
    });

    test('a confirmation link confirms only by its button, not by being opened', async () => {
      const { id } = await recordRequest(t.deps, CLI_ACTOR, {
        kind: 'access',
        channel: 'mail',
        receivedAt: t.clock.now(),
        lang: 'en',
        identity: { kind: 'registered-address', memberId: adaId },
        replyTo: 'ada@example.org',
      });
      const link = /(\/requests\/confirm\/[A-Za-z0-9_-]+)/.exec(t.mail.sent[0]?.text ?? '')?.[1];
      assert.ok(link);
      const visitor = new TestClient(t.app);
      const page = await visitor.get(link);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post"/);
      assert.equal((await getRequest(t.deps, id)).state, 'awaiting-confirmation');
      const confirmed = await visitor.post(link);
      assert.equal(confirmed.status, 200);
      assert.equal((await getRequest(t.deps, id)).state, 'open');
      assert.equal((await visitor.post(link)).status, 404);
      assert.equal((await visitor.get(link)).status, 404);
    });

    test('a data export in the portal lands in the ledger, closed as done', async () => {
      const member = await memberPortalClient(t, 'ada@example.org');
      assert.equal((await member.get('/me/data.json')).status, 200);
      const [entry] = await listRequests(t.deps);
      assert.equal(entry?.kind, 'access');
      assert.equal(entry?.channel, 'portal');
      assert.equal(entry?.state, 'done');
      assert.equal(entry?.memberId, adaId);
    });

    test('members and anonymous visitors cannot see the requests', async () => {
      const anonymous = new TestClient(t.app);
      assert.notEqual((await anonymous.get('/admin/requests')).status, 200);
    });
  });
}
