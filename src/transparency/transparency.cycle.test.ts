import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { compileRetention, runJob } from '../retention/index.ts';
import { renderAll, writeRendered } from '../services/index.ts';
import { recordDoctorRun } from './transparency.service.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEB_LOGS = 'website-logs.1';
const JOURNAL_DROP_IN = 'etc/systemd/journald.conf.d/treff.conf';

/** The state each promise shows on the public page: its key → green or red. */
async function pageStates(t: TestApp): Promise<Map<string, 'green' | 'red'>> {
  const html = await (await new TestClient(t.app).get('/transparency')).text();
  const states = new Map<string, 'green' | 'red'>();
  for (const match of html.matchAll(/<article class="promise (green|red)" data-promise="([^"]+)"/g))
    states.set(match[2] ?? '', match[1] as 'green' | 'red');
  return states;
}

for (const dialect of TEST_DIALECTS) {
  describe(`the transparency page over scheduler cycles (${dialect})`, () => {
    let t: TestApp;
    let root: string;
    /** One scheduler cycle: every retention job (but those `stopped`) and the doctor, under root. */
    const cycle = async (stopped: readonly string[] = []) => {
      for (const job of compileRetention(t.deps.config).jobs) {
        if (!stopped.includes(job.name)) await runJob(t.deps, job, { dryRun: false, root });
      }
      await recordDoctorRun(t.deps, { root });
    };
    const webLog = () => join(root, 'var/log/treff/web');

    beforeEach(async () => {
      t = await createTestApp(dialect);
      root = await mkdtemp(join(tmpdir(), 'treff-transparency-'));
      await writeRendered(root, renderAll(t.deps.config), { force: false });
    });
    afterEach(async () => {
      await t.close();
      await rm(root, { recursive: true, force: true });
    });

    test('shows every promise green on a server that keeps the declaration', async () => {
      await cycle();
      const states = await pageStates(t);
      assert.ok(states.size > 10);
      assert.deepEqual(
        [...states].filter(([, state]) => state === 'red'),
        [],
      );
    });

    test('turns web logs red for a log line older than 10 days and green once it is gone', async () => {
      await mkdir(join(root, 'var/log/treff'), { recursive: true });
      const old = new Date(t.clock.now().getTime() - 12 * DAY).toISOString();
      await writeFile(webLog(), `${old} 192.0.2.1 GET /\n`);
      await cycle();
      assert.equal((await pageStates(t)).get(WEB_LOGS), 'red');
      const html = await (await new TestClient(t.app).get('/transparenz')).text();
      assert.match(html, /Aufruf der Website: 10 Tage.*?Gespeicherte Dateien: 1\./);
      assert.match(html, /Ein Element ist älter als die Frist erlaubt/);
      assert.match(html, /data-state="red"/);

      await rm(webLog());
      t.clock.advance(HOUR);
      await cycle();
      assert.equal((await pageStates(t)).get(WEB_LOGS), 'green');
    });

    test('turns a promise red when its deletion job never ran or stopped, green once it runs', async () => {
      await cycle([WEB_LOGS]);
      assert.equal((await pageStates(t)).get(WEB_LOGS), 'red');
      await cycle();
      assert.equal((await pageStates(t)).get(WEB_LOGS), 'green');

      // Three hourly cycles without it: more than two of its intervals.
      for (let hour = 0; hour < 3; hour += 1) {
        t.clock.advance(HOUR);
        await cycle([WEB_LOGS]);
      }
      const states = await pageStates(t);
      assert.equal(states.get(WEB_LOGS), 'red');
      assert.equal(states.get('xmpp-logs.1'), 'green');
      await cycle();
      assert.equal((await pageStates(t)).get(WEB_LOGS), 'green');
    });

    test('turns the log promises red when a rendered config is changed by hand, green once re-rendered', async () => {
      await cycle();
      assert.equal((await pageStates(t)).get('xmpp-logs.1'), 'green');
      await writeFile(join(root, JOURNAL_DROP_IN), '[Journal]\nMaxRetentionSec=30day\n');
      t.clock.advance(HOUR);
      await cycle();
      const states = await pageStates(t);
      for (const key of ['xmpp-logs.1', 'mail-logs.1', 'shell-logins.1', WEB_LOGS])
        assert.equal(states.get(key), 'red', key);
      // Promises no log setting stands behind stay green.
      assert.equal(states.get('member-portal.1'), 'green');
      const html = await (await new TestClient(t.app).get('/transparency')).text();
      assert.match(html, /The check found settings that differ from the declaration/);
      // People read promises, not rule ids or setting names.
      assert.doesNotMatch(html.replace(/<[^>]*>/g, ' '), /MaxRetentionSec|xmpp-logs\.1/);

      await writeRendered(root, renderAll(t.deps.config), { force: true });
      t.clock.advance(HOUR);
      await cycle();
      assert.equal((await pageStates(t)).get('xmpp-logs.1'), 'green');
    });
  });
}
