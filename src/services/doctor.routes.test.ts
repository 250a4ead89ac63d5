import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addUser, createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { authRoutes, sessionMiddleware } from '../auth/index.ts';
import { createWebFrame } from '../core/http/app.tsx';
import { doctorRoutes } from './doctor.routes.tsx';

const DEBIAN = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'debian-defaults');

describe('the doctor admin page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(() => t.close());

  /** The web frame with the login and the doctor checking the Debian defaults. */
  function appOnFixture() {
    const app = createWebFrame({
      log: t.deps.log,
      clock: t.deps.clock,
      secret: t.deps.secret,
      clubName: t.deps.config.club.name,
      publicUrl: t.deps.config.publicUrl,
      defaultLang: t.deps.config.club.defaultLanguage,
      messages: t.deps.messages,
      sessionMiddleware: sessionMiddleware(t.deps),
    });
    app.route('/', authRoutes(t.deps));
    app.route('/', doctorRoutes(t.deps, { root: DEBIAN }));
    return app;
  }

  test('shows admins the broken promises with file, setting and fix, in German and English', async () => {
    const admin = new TestClient(appOnFixture());
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const page = await admin.get('/admin/doctor');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Versprechen der Datenschutzerklärung prüfen/);
    assert.match(html, /13 Versprechen gebrochen/);
    assert.match(html, /<li>logs 10 days<\/li>/);
    assert.match(html, /\/etc\/systemd\/journald\.conf\.d\/treff\.conf/);
    assert.match(html, /MaxRetentionSec/);
    assert.match(html, /treff services render --out \/ --force/);
    const english = await (await admin.get('/admin/doctor?lang=en')).text();
    assert.match(english, /Check the promises of the privacy policy/);
    assert.match(english, /13 promises broken/);
  });

  test('is for admins only', async () => {
    const app = appOnFixture();
    const board = new TestClient(app);
    await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board', 'treasurer']));
    assert.equal((await board.get('/admin/doctor')).status, 403);
    const visitor = new TestClient(app);
    assert.notEqual((await visitor.get('/admin/doctor')).status, 200);
  });

  test('is mounted in the app and linked in the admin navigation', async () => {
    const admin = new TestClient(t.app);
    await admin.login('root', await addUser(t.deps, 'root', ['admin']));
    const page = await admin.get('/admin/doctor');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<a href="\/admin\/doctor">Doktor<\/a>/);
  });
});
