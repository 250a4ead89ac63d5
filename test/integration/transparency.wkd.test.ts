import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { runTreff } from '../support/cli.ts';
import { TEST_DIALECTS } from '../support/db.ts';
import {
  GPG,
  gnupgHome,
  namespaceMissing,
  startWkdNamespace,
  type GnupgHome,
  type WkdNamespace,
} from '../support/gnupg.ts';
import { silentLogger } from '../../src/core/log.ts';
import { statementsDir, writeTodaysStatement } from '../../src/transparency/index.ts';

/**
 * The signed statement as a stranger checks it: a fresh GnuPG home fetches the club's signing
 * key from treff's own WKD over HTTPS (gpg --locate-external-keys, in a private network
 * namespace whose only server is treff), then stock `gpg --verify` checks the statement; a
 * statement with one changed figure fails. Needs root for the namespace; skips without.
 */

const skip = namespaceMissing();
const DOMAIN = 'club.example';
const SIGNER = `transparency@${DOMAIN}`;
const DAY = 86_400_000;

for (const dialect of TEST_DIALECTS) {
  describe(
    `the signed statement checked with the key from treff's WKD (${dialect})`,
    { skip },
    () => {
      let t: TestApp;
      let ns: WkdNamespace;
      let stranger: GnupgHome;
      let dir: string;

      before(async () => {
        t = await createTestApp(dialect, {
          configEdit: (yaml) => yaml.replaceAll('chaostreff-osnabrueck.de', DOMAIN),
        });
        await writeTodaysStatement(t.deps);
        t.clock.set(new Date(t.clock.now().getTime() + DAY));
        await writeTodaysStatement(t.deps);
        dir = statementsDir(t.deps.config);
        ns = await startWkdNamespace(DOMAIN, t.app.fetch);
        stranger = await gnupgHome();
        const located = await ns.run(
          [
            GPG,
            '--batch',
            '--auto-key-locate',
            'clear,nodefault,wkd',
            '--locate-external-keys',
            SIGNER,
          ],
          { env: stranger.env },
        );
        assert.equal(located.code, 0, located.stderr);
      });
      after(async () => {
        await stranger.remove();
        await ns.close();
        await t.close();
      });

      test('gpg gets the club key with only the signing address from the WKD', async () => {
        const listing = await stranger.gpgOk(['--with-colons', '--list-keys']);
        assert.equal(listing.match(/^pub:/gm)?.length, 1);
        assert.equal(listing.match(/^uid:/gm)?.length, 1);
        assert.match(listing, new RegExp(`^uid:.*<${SIGNER}>`, 'm'));
        const statement = JSON.parse(await readFile(join(dir, '2026-03-02.json'), 'utf8')) as {
          signer: { fingerprint: string };
        };
        assert.match(listing, new RegExp(`^fpr:+${statement.signer.fingerprint}:`, 'm'));
      });

      test('gpg --verify accepts each statement as written', async () => {
        for (const date of ['2026-03-01', '2026-03-02']) {
          const file = join(dir, `${date}.json`);
          const result = await stranger.gpg(['--verify', `${file}.asc`, file]);
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.stderr, new RegExp(`Good signature from "<${SIGNER}>"`));
        }
      });

      test('gpg --verify refuses a statement with one changed figure', async () => {
        const file = join(dir, '2026-03-02.json');
        const text = await readFile(file, 'utf8');
        const changed = join(t.dir, 'changed.json');
        const edited = text.replace(/"requests": \d+|"years": \[\]/, '"years": [{"requests": 1}]');
        assert.notEqual(edited, text);
        await writeFile(changed, edited);
        const result = await stranger.gpg(['--verify', `${file}.asc`, changed]);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /BAD signature/);
      });

      test('treff transparency verify checks the chain with the key gpg fetched', async () => {
        const exported = join(t.dir, 'club-key.gpg');
        await writeFile(
          exported,
          Buffer.from(await stranger.gpgOk(['--armor', '--export', SIGNER])),
        );
        const run = await runTreff(
          ['transparency', 'verify', dir, '--key', exported, '--config', join(t.dir, 'treff.yaml')],
          { runtimeOptions: { log: silentLogger(), clock: t.clock } },
        );
        assert.equal(run.code, 0, run.err);
        assert.match(run.out, /2 statement\(s\) signed by [0-9A-F]{40}, chain intact/);
      });
    },
  );
}
