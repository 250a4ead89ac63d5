import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';
import { runRetention } from './retention.service.ts';

describe('the proof pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(() => t.close());

  test('the admin sees every rule with its state and a timeline drawn on the server', async () => {
    await runRetention(t.deps, { dryRun: false, root: t.dir });
    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const response = await admin.get('/admin/retention');
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<svg[^>]*role="img"/);
    assert.match(html, /website-logs\.1/);
    assert.match(html, /xmpp-room-history\.1/);
    assert.match(html, /vom Dienst selbst/);
    assert.doesNotMatch(html, /<script/);
  });

  test('a former member has an erasure record without personal data, also after the erasure', async () => {
    const member = await createMember(
      t.deps,
      CLI_ACTOR,
      memberInput({ leftOn: '2026-02-01', email: 'ada@example.org' }),
    );
    await runRetention(t.deps, { dryRun: false, root: t.dir });
    t.clock.set('2035-01-02T00:00:00Z');
    await runRetention(t.deps, { dryRun: false, root: t.dir });
    const board = new TestClient(t.app);
    await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
    const record = await board.get(`/admin/erasures/${member.id}`);
    assert.equal(record.status, 200);
    const html = await record.text();
    assert.match(html, /Mitgliedschaft beendet/);
    assert.match(html, /Daten gelöscht, Rest eingeschränkt/);
    assert.match(html, /restliche Daten nach Ablauf der Aufbewahrungsfrist gelöscht/);
    assert.match(html, /Geburtsdatum/);
    assert.doesNotMatch(html, /Lovelace|ada@example|Beispielweg/);
    assert.equal((await board.get('/admin/erasures/unknown-id')).status, 404);
    const member2 = new TestClient(t.app);
    assert.equal((await member2.get(`/admin/erasures/${member.id}`)).status, 303);
  });
});
