import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { createMember } from '../members/index.ts';

describe('the outbox without an SMTP server', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite', { realMailer: true });
  });
  afterEach(() => t.close());

  test('keeps outgoing mail as private files that the admin reads in the web UI', async () => {
    await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
    const visitor = new TestClient(t.app);
    await visitor.get('/login/member?lang=en');
    await visitor.post('/login/member?lang=en', { email: 'ada@example.org' });

    const outbox = join(t.dir, 'data', 'outbox');
    const files = await readdir(outbox);
    assert.equal(files.length, 1);
    assert.equal((await stat(join(outbox, files[0] ?? ''))).mode & 0o777, 0o600);

    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const list = await (await admin.get('/admin/outbox')).text();
    assert.match(list, /ada@example.org/);
    assert.match(list, /Your login link for Chaostreff Osnabrück e.V./);
    const mail = await (await admin.get(`/admin/outbox/${files[0] ?? ''}`)).text();
    assert.match(mail, /http:\/\/127\.0\.0\.1:8080\/login\/link\/[A-Za-z0-9_-]{43}/);
    assert.equal((await admin.get('/admin/outbox/..%2Fsecret.key')).status, 404);
    assert.equal((await admin.get('/admin/users')).status, 200);
  });
});
