import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { createApp } from '../app.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { readOutboxMail } from '../core/mail/mailer.ts';
import { quarantineMail } from '../core/mail/quarantine.ts';
import { createMember } from '../members/index.ts';

const LINK = /http:\/\/127\.0\.0\.1:8080\/login\/link\/([A-Za-z0-9_-]{43})/;

describe('the outbox without an SMTP server', () => {
  let t: TestApp;
  let files: string[];
  let token: string;
  beforeEach(async () => {
    t = await createTestApp('sqlite', { realMailer: true });
    await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
    const visitor = new TestClient(t.app);
    await visitor.get('/login/member?lang=en');
    await visitor.post('/login/member?lang=en', { email: 'ada@example.org' });
    await t.settle();
    files = await readdir(join(t.dir, 'data', 'outbox'));
    const mail = await readOutboxMail(join(t.dir, 'data', 'outbox'), files[0] ?? '');
    token = LINK.exec(mail.text)?.[1] ?? '';
    assert.ok(token, 'the mail on disk holds the whole link for the recipient');
  });
  afterEach(() => t.close());

  test('keeps outgoing mail as private files that the admin reads in the web UI', async () => {
    assert.equal(files.length, 1);
    const outbox = join(t.dir, 'data', 'outbox');
    assert.equal((await stat(join(outbox, files[0] ?? ''))).mode & 0o777, 0o600);
    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const list = await (await admin.get('/admin/outbox')).text();
    assert.match(list, /ada@example.org/);
    assert.match(list, /Your login link for Chaostreff Osnabrück e.V./);
    assert.equal((await admin.get('/admin/outbox/..%2Fsecret.key')).status, 404);
    assert.equal((await admin.get('/admin/users')).status, 200);
  });

  test('masks the one-time login link, so an admin cannot log in as the member', async () => {
    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const mail = await (await admin.get(`/admin/outbox/${files[0] ?? ''}?lang=en`)).text();
    assert.ok(!mail.includes(token), 'the token is not on the page');
    assert.match(mail, /http:\/\/127\.0\.0\.1:8080\/login\/link\/••••••/);
    assert.match(mail, /One-time links are masked/);
  });

  test('shows the link in full only in the demo (treff demo), marked as such', async () => {
    const admin = new TestClient(createApp(t.deps, { demo: true }));
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const mail = await (await admin.get(`/admin/outbox/${files[0] ?? ''}?lang=en`)).text();
    assert.ok(mail.includes(token));
    assert.match(mail, /Demo \(treff demo\): one-time links are shown in full/);
  });
});

describe('the mail quarantine page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(() => t.close());

  test('lists quarantined mail with its reason to admins only, in German and English', async () => {
    await quarantineMail(
      { clock: t.clock, dir: t.deps.config.paths.quarantineDir },
      Buffer.from('Subject: x\r\n\r\nx\r\n'),
      { reason: 'too_many_parts', recipient: 'key-submission@chaostreff-osnabrueck.de' },
    );
    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const en = await (await admin.get('/admin/quarantine?lang=en')).text();
    assert.match(en, /too many or too deeply nested MIME parts/);
    assert.match(en, /key-submission@chaostreff-osnabrueck.de/);
    const de = await (await admin.get('/admin/quarantine?lang=de')).text();
    assert.match(de, /zu viele oder zu tief verschachtelte MIME-Teile/);
    const board = new TestClient(t.app);
    await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
    assert.equal((await board.get('/admin/quarantine')).status, 403);
  });
});
