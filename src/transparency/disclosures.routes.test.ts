import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { compileRetention, runJob } from '../retention/index.ts';
import { disclosureCounts, recordDisclosure } from './disclosures.service.ts';

/** A request from the police for subscriber data, answered and disclosed, person told. */
const DISCLOSED = {
  receivedOn: '2026-02-10',
  authorityKind: 'lawEnforcement',
  legalBasis: '§ 100j StPO',
  requested: 'subscriberData',
  formallyCorrect: 'yes',
  outcome: 'disclosed',
  handedOver: 'email',
  answeredOn: '2026-02-12',
  subjectInformedOn: '2026-02-20',
  notInformedReason: '',
};

async function postForm(
  client: TestClient,
  path: string,
  fields: Record<string, string | string[]>,
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  body.set('_csrf', client.csrf);
  return client.app.request(`http://127.0.0.1:8080${path}`, {
    method: 'POST',
    headers: {
      cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'http://127.0.0.1:8080',
    },
    body: body.toString(),
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`the register of disclosures (${dialect})`, () => {
    let t: TestApp;
    let board: TestClient;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      await board.get('/admin/disclosures');
    });
    afterEach(() => t.close());

    test('is open to the board only', async () => {
      assert.equal((await new TestClient(t.app).get('/admin/disclosures')).status, 303);
      const admin = new TestClient(t.app);
      await admin.login('root', await addUser(t.deps, 'root', ['admin']));
      assert.equal((await admin.get('/admin/disclosures')).status, 403);
      assert.equal((await admin.get('/admin/transparency/declaration')).status, 403);
      assert.doesNotMatch(await (await admin.get('/')).text(), /href="\/admin\/disclosures"/);
      assert.match(await (await board.get('/')).text(), /href="\/admin\/disclosures"/);
    });

    test('records a request with several kinds asked for, audited by id only', async () => {
      const response = await postForm(board, '/admin/disclosures', {
        ...DISCLOSED,
        requested: ['subscriberData', 'trafficData'],
        handedOver: ['email', 'ip'],
      });
      assert.equal(response.status, 200);
      const html = await response.text();
      assert.match(html, /Das Ersuchen ist gespeichert/);
      assert.match(html, /Bestandsdaten, Verkehrsdaten/);
      assert.match(html, /§ 100j StPO/);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select(['event', 'object_id', 'fields'])
        .where('event', 'like', 'transparency.%')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]?.event, 'transparency.disclosure.recorded');
      assert.doesNotMatch(JSON.stringify(events), /100j|email/);
      board.cookies.set('treff_lang', 'en');
      const english = await (await board.get('/admin/disclosures?lang=en')).text();
      assert.match(english, /Register of disclosure requests|subscriber data/);
    });

    test('refuses a form without the CSRF token and stores nothing', async () => {
      const response = await board.post(
        '/admin/disclosures',
        { ...DISCLOSED, _csrf: 'forged' },
        { csrf: false },
      );
      assert.equal(response.status, 403);
      assert.equal((await disclosureCounts(t.deps)).years.length, 0);
    });

    test('refuses a hand-over to an authority the declaration does not list', async () => {
      const response = await postForm(board, '/admin/disclosures', {
        ...DISCLOSED,
        authorityKind: 'court',
      });
      assert.equal(response.status, 422);
      assert.match(
        await response.text(),
        /authorityKind: the declaration allows disclosures only to lawEnforcement, taxAuthority/,
      );
      assert.equal((await disclosureCounts(t.deps)).years.length, 0);
    });

    test('refuses a disclosure without data categories and an entry without notification facts', async () => {
      const response = await postForm(board, '/admin/disclosures', {
        ...DISCLOSED,
        handedOver: [],
        subjectInformedOn: '',
      });
      assert.equal(response.status, 422);
      const html = await response.text();
      assert.match(html, /handedOver: a disclosure must name the categories of data handed over/);
      assert.match(html, /notInformedReason: give the date the person was told, or why not/);
    });

    test('lets the board record later that the person was told', async () => {
      const id = await recordDisclosure(t.deps, CLI_ACTOR, {
        ...DISCLOSED,
        requested: ['subscriberData'],
        formallyCorrect: true,
        handedOver: ['email'],
        subjectInformedOn: '',
        notInformedReason: 'legalBar',
      });
      await board.get(`/admin/disclosures/${id}`);
      const response = await postForm(board, `/admin/disclosures/${id}`, DISCLOSED);
      assert.equal(response.status, 200);
      const counts = await disclosureCounts(t.deps);
      assert.equal(counts.years[0]?.subjectInformed, 1);
      const updated = await t.deps.db
        .selectFrom('audit_events')
        .select('fields')
        .where('event', '=', 'transparency.disclosure.updated')
        .executeTakeFirstOrThrow();
      assert.match(updated.fields ?? '', /subject_informed_on/);
      assert.match(updated.fields ?? '', /not_informed_reason/);
    });

    test('the public page shows yearly counts per kind and outcome, nothing that identifies anyone', async () => {
      await recordDisclosure(t.deps, CLI_ACTOR, {
        ...DISCLOSED,
        requested: ['subscriberData'],
        formallyCorrect: true,
        handedOver: ['email'],
        legalBasis: '§ 100j StPO Az. 123 Js 4567/26',
      });
      await recordDisclosure(t.deps, CLI_ACTOR, {
        ...DISCLOSED,
        receivedOn: '2025-11-03',
        authorityKind: 'other',
        requested: ['content'],
        formallyCorrect: false,
        outcome: 'refused',
        handedOver: [],
        answeredOn: '2025-11-04',
        subjectInformedOn: '',
        notInformedReason: 'nothingDisclosed',
      });
      const counts = await disclosureCounts(t.deps);
      assert.deepEqual(
        counts.years.map((year) => [year.year, year.requests, year.formallyIncorrect]),
        [
          [2026, 1, 0],
          [2025, 1, 1],
        ],
      );
      assert.equal(counts.years[0]?.byAuthority.lawEnforcement, 1);
      assert.equal(counts.years[0]?.byOutcome.disclosed, 1);
      assert.equal(counts.years[1]?.byOutcome.refused, 1);
      const response = await new TestClient(t.app).get('/transparenz');
      assert.equal(response.headers.get('set-cookie'), null);
      const html = await response.text();
      assert.match(html, /Auskunftsersuchen von Behörden/);
      assert.match(html, /<td>2026<\/td><td>1<\/td>/);
      assert.doesNotMatch(html, /100j|Az\.|4567|2026-02-10/);
      const english = await (await new TestClient(t.app).get('/transparency')).text();
      assert.match(english, /Requests from authorities/);
    });

    test('are deleted by their retention job five years after receipt', async () => {
      await recordDisclosure(t.deps, CLI_ACTOR, {
        ...DISCLOSED,
        requested: ['subscriberData'],
        formallyCorrect: true,
        handedOver: ['email'],
      });
      const job = compileRetention(t.deps.config).jobs.find(
        (candidate) => candidate.name === 'disclosure-register.1',
      );
      assert.ok(job);
      await runJob(t.deps, job, { dryRun: false, root: t.dir });
      assert.equal((await disclosureCounts(t.deps)).years.length, 1);
      t.clock.set('2031-02-11T00:00:00Z');
      await runJob(t.deps, job, { dryRun: false, root: t.dir });
      assert.equal((await disclosureCounts(t.deps)).years.length, 0);
      const deleted = await t.deps.db
        .selectFrom('audit_events')
        .select('event')
        .where('event', '=', 'transparency.disclosure.deleted')
        .execute();
      assert.equal(deleted.length, 1);
    });
  });
}
