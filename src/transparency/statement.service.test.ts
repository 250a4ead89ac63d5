import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { gnupgHome, gnupgMissing } from '../../test/support/gnupg.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { silentLogger } from '../core/log.ts';
import { loadSigningKey, loadSigningPublicKey } from '../keys/index.ts';
import { recordDisclosure } from './disclosures.service.ts';
import { signDetached } from './pgp.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStatementScheduler, writeTodaysStatement } from './statement.daily.ts';
import {
  canonicalStatementJson,
  sha256Hex,
  statementsDir,
  verifyStatements,
  type Statement,
} from './statement.service.ts';

const DAY = 86_400_000;

for (const dialect of TEST_DIALECTS) {
  describe(`the signed statement (${dialect})`, () => {
    let t: TestApp;
    let dir: string;
    const nextDay = () => {
      t.clock.set(new Date(t.clock.now().getTime() + DAY));
    };
    const file = (date: string) => join(dir, `${date}.json`);
    const verifyCli = (...args: string[]) =>
      runTreff(['transparency', 'verify', ...args, '--config', join(t.dir, 'treff.yaml')], {
        runtimeOptions: { log: silentLogger(), clock: t.clock },
      });
    /** Rewrites a statement's JSON and signs the new bytes properly with the club key. */
    const resign = async (date: string, edit: (statement: Statement) => void) => {
      const statement = JSON.parse(await readFile(file(date), 'utf8')) as Statement;
      edit(statement);
      const bytes = Buffer.from(canonicalStatementJson(statement));
      await writeFile(file(date), bytes);
      const key = await loadSigningKey(t.deps);
      assert.ok(key);
      await writeFile(
        `${file(date)}.asc`,
        await signDetached(new Uint8Array(bytes), key.privateKey, t.clock.now()),
      );
    };

    beforeEach(async () => {
      t = await createTestApp(dialect);
      dir = statementsDir(t.deps.config);
    });
    afterEach(() => t.close());

    test('is written once a day, with the hash of the previous day', async () => {
      const first = await writeTodaysStatement(t.deps);
      assert.equal(first.date, '2026-03-01');
      assert.equal(first.created, true);
      const bytes = await readFile(file('2026-03-01'));
      t.clock.set('2026-03-01T20:00:00Z');
      const again = await writeTodaysStatement(t.deps);
      assert.equal(again.created, false);
      assert.deepEqual(await readFile(file('2026-03-01')), bytes, 'the same day changes nothing');
      nextDay();
      await recordDisclosure(t.deps, CLI_ACTOR, {
        receivedOn: '2026-03-02',
        authorityKind: 'taxAuthority',
        legalBasis: '§ 93 AO',
        requested: ['subscriberData'],
        formallyCorrect: true,
        outcome: 'pending',
        notInformedReason: 'notYet',
      });
      await writeTodaysStatement(t.deps);
      const second = JSON.parse(await readFile(file('2026-03-02'), 'utf8')) as Statement & {
        figures: { disclosures: { years: { year: number; requests: number }[] } };
      };
      assert.equal(second.previous, sha256Hex(bytes));
      assert.deepEqual(
        second.figures.disclosures.years.map((year) => [year.year, year.requests]),
        [[2026, 1]],
      );
      const report = await verifyStatements(t.deps);
      assert.deepEqual(
        report.statements.map((statement) => statement.date),
        ['2026-03-01', '2026-03-02'],
      );
      const run = await verifyCli();
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /2 statement\(s\) signed by [0-9A-F]{40}, chain intact/);
    });

    test("is written by treff serve's scheduler", async () => {
      const stop = startStatementScheduler(t.deps, { firstDelayMs: 0 });
      try {
        for (let tries = 0; tries < 100; tries += 1) {
          const done = await readFile(`${file('2026-03-01')}.asc`).catch(() => null);
          if (done) break;
          await sleep(50);
        }
      } finally {
        stop();
      }
      assert.equal((await verifyStatements(t.deps)).statements.length, 1);
    });

    test('verify refuses a statement with one changed figure', async () => {
      await writeTodaysStatement(t.deps);
      const text = await readFile(file('2026-03-01'), 'utf8');
      assert.match(text, /"allGreen": (true|false)/);
      await writeFile(
        file('2026-03-01'),
        text.replace(
          /"allGreen": (true|false)/,
          (_, value) => `"allGreen": ${value === 'true' ? 'false' : 'true'}`,
        ),
      );
      const run = await verifyCli(file('2026-03-01'));
      assert.equal(run.code, 1);
      assert.match(run.err, /2026-03-01\.json: BAD signature/);
    });

    test('verify names the broken link of a chain whose previous hash is wrong', async () => {
      await writeTodaysStatement(t.deps);
      nextDay();
      await writeTodaysStatement(t.deps);
      nextDay();
      await writeTodaysStatement(t.deps);
      assert.equal((await verifyCli()).code, 0);
      // A properly signed statement whose link is wrong: the signature alone does not save it.
      await resign('2026-03-02', (statement) => {
        statement.previous = '0'.repeat(64);
      });
      const run = await verifyCli();
      assert.equal(run.code, 1);
      assert.match(
        run.err,
        /2026-03-02\.json: broken link to 2026-03-01\.json: previous is 0{64}, but the SHA-256 of 2026-03-01\.json is [0-9a-f]{64}/,
      );
      const single = await verifyCli(file('2026-03-02'));
      assert.equal(single.code, 1);
      assert.match(single.err, /broken link to 2026-03-01\.json/);
      // Re-signing 2026-03-02 changed its bytes, so the link from 2026-03-03 breaks as well.
      await resign('2026-03-02', (statement) => {
        statement.previous = sha256Hex(new Uint8Array(Buffer.from('x')));
      });
      assert.match((await verifyCli(file('2026-03-03'))).err, /broken link to 2026-03-02\.json/);
    });

    test(
      'verifies with stock gpg, and fails with it after one figure changed',
      { skip: gnupgMissing() },
      async () => {
        await writeTodaysStatement(t.deps);
        const home = await gnupgHome();
        try {
          const key = await loadSigningPublicKey(t.deps);
          assert.ok(key);
          await home.gpgOk(['--import'], key.binary);
          const good = await home.gpg([
            '--verify',
            `${file('2026-03-01')}.asc`,
            file('2026-03-01'),
          ]);
          assert.equal(good.code, 0, good.stderr);
          assert.match(
            good.stderr,
            /Good signature from "<transparency@chaostreff-osnabrueck\.de>"/,
          );
          const text = await readFile(file('2026-03-01'), 'utf8');
          const changed = join(t.dir, 'changed.json');
          await writeFile(changed, text.replace('"format": 1', '"format": 2'));
          const bad = await home.gpg(['--verify', `${file('2026-03-01')}.asc`, changed]);
          assert.equal(bad.code, 1);
          assert.match(bad.stderr, /BAD signature/);
        } finally {
          await home.remove();
        }
      },
    );

    test('is served publicly, byte for byte, without a cookie', async () => {
      await writeTodaysStatement(t.deps);
      const list = await t.app.request('/transparency/statements');
      assert.equal(list.headers.get('set-cookie'), null);
      assert.deepEqual(await list.json(), {
        statements: [
          {
            date: '2026-03-01',
            statement: '/transparency/statements/2026-03-01.json',
            signature: '/transparency/statements/2026-03-01.json.asc',
          },
        ],
      });
      const json = await t.app.request('/transparency/statements/2026-03-01.json');
      assert.deepEqual(
        new Uint8Array(await json.arrayBuffer()),
        new Uint8Array(await readFile(file('2026-03-01'))),
      );
      const signature = await t.app.request('/transparency/statements/2026-03-01.json.asc');
      assert.equal(signature.headers.get('content-type'), 'application/pgp-signature');
      assert.equal((await t.app.request('/transparency/statements/..%2Fsecret')).status, 404);
      const page = await (await t.app.request('/transparenz')).text();
      assert.match(page, /Signierte Erklärung/);
      assert.match(page, /transparency@chaostreff-osnabrueck\.de/);
    });
  });
}
