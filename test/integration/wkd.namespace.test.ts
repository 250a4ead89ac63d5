import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createTestApp, ROOT, type TestApp } from '../support/app.ts';
import { TEST_DIALECTS } from '../support/db.ts';
import {
  generateGpgKey,
  gnupgHome,
  locateByWkd,
  namespaceMissing,
  startWkdNamespace,
  WKS_CLIENT,
  type GnupgHome,
  type WkdNamespace,
} from '../support/gnupg.ts';
import { memberWithAccount } from '../support/keys.ts';
import { CLI_ACTOR, listAuditForMember } from '../../src/core/audit/index.ts';
import {
  listKeys,
  publishKeyDirectly,
  startIntake,
  wkdHashOfAddress,
  type Intake,
  type WksOutcome,
} from '../../src/keys/index.ts';

/**
 * treff's WKD and WKS with the real clients of Debian 12, over HTTPS as on a real server:
 * gpg (dirmngr) lookups by the advanced and the direct method, gpg-wks-client --check and
 * --supported, @openpgp/wkd-client with Node's own fetch, and the whole Web Key Service round
 * trip with gpg-wks-client (submission and confirmation delivered to treff's LMTP intake). Each
 * client runs in a private network namespace whose only server is treff (wkd.md §2.2); needs
 * root for the namespaces and skips without (fails under TREFF_REQUIRE_INTEGRATION=1).
 */

const skip = namespaceMissing();
const DOMAIN = 'club.example';
const ADA = `ada@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const SUBMISSION = `key-submission@${DOMAIN}`;
// The directory of a running treff notices changes made elsewhere (here: by the intake)
// within a second.
const DIRECTORY_DELAY = 1100;

function clubExample(yaml: string): string {
  return yaml
    .replaceAll('chaostreff-osnabrueck.de', DOMAIN)
    .replace('requireClubUid: true', `requireClubUid: true\n    submissionAddress: ${SUBMISSION}`);
}

for (const dialect of TEST_DIALECTS) {
  describe(`WKD and WKS with real clients over HTTPS (${dialect})`, { skip }, () => {
    let t: TestApp;
    let ns: WkdNamespace;
    let intake: Intake;
    let outcomes: WksOutcome[];
    let mails: { to: string; message: Buffer }[];
    let ada: GnupgHome;
    let adaFingerprint: string;
    // Keys made by gpg are created "now": treff must judge them by the real time.
    const now = () => {
      t.clock.set(new Date());
    };

    before(async () => {
      t = await createTestApp(dialect, { configEdit: clubExample });
      now();
      await memberWithAccount(t, 'ada', '42');
      await memberWithAccount(t, 'bob', '43');
      mails = [];
      outcomes = [];
      intake = await startIntake(
        {
          ...t.deps,
          rawMailer: {
            send: (envelope, message) => {
              mails.push({ to: envelope.to, message });
              return Promise.resolve();
            },
          },
        },
        {
          host: '127.0.0.1',
          port: 0,
          protocol: 'lmtp',
          onOutcome: (outcome) => outcomes.push(outcome),
        },
      );
      ns = await startWkdNamespace(DOMAIN, t.app.fetch);
      ada = await gnupgHome();
      adaFingerprint = await generateGpgKey(ada, `Ada <${ADA}>`);
      await ada.gpgOk(['--quick-add-uid', adaFingerprint, 'Ada <ada@private.example>']);
      now();
      const exported = await ada.gpgOk(['--armor', '--export', adaFingerprint]);
      const published = await publishKeyDirectly(t.deps, CLI_ACTOR, ADA, exported, {
        recordFingerprint: false,
      });
      assert.ok(!('kind' in published));
    });
    after(async () => {
      await intake.close();
      await ns.close();
      await ada.remove();
      await t.close();
    });

    const locate = (address: string, advanced: boolean) => locateByWkd(ns, address, advanced);

    for (const advanced of [true, false]) {
      const method = advanced ? 'advanced' : 'direct';
      test(`gpg finds the key by the ${method} method and gets only the club user ID`, async () => {
        const seen = ns.requests.length;
        const result = await locate(ADA, advanced);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.listing, new RegExp(`^fpr:+${adaFingerprint}:`, 'm'));
        assert.equal(result.listing.match(/^uid:/gm)?.length, 1);
        assert.match(result.listing, new RegExp(`^uid:.*Ada <${ADA}>`, 'm'));
        const hash = wkdHashOfAddress(ADA);
        const expected = advanced
          ? `openpgpkey.${DOMAIN}/.well-known/openpgpkey/${DOMAIN}/hu/${hash}`
          : `${DOMAIN}/.well-known/openpgpkey/hu/${hash}`;
        assert.ok(ns.requests.slice(seen).includes(expected), ns.requests.slice(seen).join('\n'));
      });
    }

    test('gpg gets no key for an unknown address', async () => {
      const result = await locate(`nobody@${DOMAIN}`, true);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /No data|not found/i);
      assert.doesNotMatch(result.listing, /^pub:/m);
    });

    test('gpg-wks-client --check and --supported see the directory and the service', async () => {
      const check = await ns.run([WKS_CLIENT, '--check', ADA], { env: ada.env, advanced: true });
      assert.equal(check.code, 0, check.stderr);
      const supported = await ns.run([WKS_CLIENT, '--supported', '--with-colons', DOMAIN], {
        env: ada.env,
        advanced: false,
      });
      assert.equal(supported.code, 0, supported.stderr);
      assert.match(supported.stdout, new RegExp(`^${DOMAIN.replace('.', '\\.')}:1:1:`, 'm'));
    });

    test('@openpgp/wkd-client fetches the key with Node’s fetch over HTTPS', async () => {
      const script = join(ns.dir, 'wkd-lookup.cjs');
      await writeFile(
        script,
        `const WKD = require(${JSON.stringify(join(ROOT, 'node_modules', '@openpgp', 'wkd-client'))});
new WKD().lookup({ email: process.argv[2] }).then(
  (bytes) => { process.stdout.write(require('node:crypto').createHash('sha256').update(bytes).digest('hex')); },
  (error) => { process.stderr.write(String(error)); process.exit(3); },
);
`,
      );
      const [entry] = (await listKeys(t.deps)).filter((e) => e.key.address === ADA);
      assert.ok(entry);
      const expected = createHash('sha256').update(entry.key.key).digest('hex');
      for (const advanced of [true, false]) {
        const result = await ns.run([process.execPath, script, ADA], {
          env: { NODE_EXTRA_CA_CERTS: ns.caCert },
          advanced,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, expected);
      }
      const mixed = await ns.run([process.execPath, script, `ada@${DOMAIN.toUpperCase()}`], {
        env: { NODE_EXTRA_CA_CERTS: ns.caCert },
        advanced: true,
      });
      assert.equal(mixed.stdout, expected, mixed.stderr);
    });

    test('the whole WKS round trip with gpg-wks-client succeeds, and a replayed confirmation is refused', async () => {
      const bob = await gnupgHome();
      try {
        const fingerprint = await generateGpgKey(bob, `Bob <${BOB}>`);
        now();
        const lmtp = nodemailer.createTransport({
          host: '127.0.0.1',
          port: intake.port,
          lmtp: true,
          ignoreTLS: true,
        });
        const deliver = async (file: string) => {
          const raw = await readFile(file);
          await lmtp.sendMail({ envelope: { from: BOB, to: [SUBMISSION] }, raw });
          return outcomes.at(-1);
        };

        // 1. The submission, built by gpg-wks-client from what treff's WKD publishes.
        const create = await ns.run(
          [WKS_CLIENT, '-v', '-o', join(bob.dir, '1.eml'), '--create', fingerprint, BOB],
          { env: bob.env, advanced: true },
        );
        assert.equal(create.code, 0, create.stderr);
        assert.match(create.stderr, new RegExp(`submitting request to '${SUBMISSION}'`));
        now();
        assert.deepEqual(await deliver(join(bob.dir, '1.eml')), {
          kind: 'confirmation_sent',
          addresses: 1,
        });
        const request = mails.find((mail) => mail.to === BOB);
        assert.ok(request, 'a confirmation request to the address');
        assert.deepEqual(
          (await listKeys(t.deps)).filter((e) => e.key.address === BOB),
          [],
          'nothing published before the confirmation',
        );

        // 2. gpg-wks-client checks the signed request, decrypts the nonce, answers.
        const receive = await ns.run(
          [WKS_CLIENT, '-v', '-v', '-o', join(bob.dir, '3.eml'), '--receive'],
          { env: bob.env, advanced: true, input: request.message },
        );
        assert.equal(receive.code, 0, receive.stderr);
        assert.match(receive.stderr, new RegExp(`Good signature from "<${SUBMISSION}>"`));
        now();
        const published = await deliver(join(bob.dir, '3.eml'));
        assert.equal(published?.kind, 'published');
        const [entry] = (await listKeys(t.deps)).filter((e) => e.key.address === BOB);
        assert.equal(entry?.key.fingerprint, fingerprint);
        assert.equal(entry?.key.source, 'wks');

        // 3. The same confirmation again: refused, nothing changes, nothing is answered.
        const memberId = entry?.key.memberId ?? '';
        const audit = (await listAuditForMember(t.deps.db, memberId)).length;
        const sent = mails.length;
        assert.deepEqual(await deliver(join(bob.dir, '3.eml')), {
          kind: 'ignored',
          reason: 'unknown_nonce',
        });
        assert.equal((await listAuditForMember(t.deps.db, memberId)).length, audit);
        assert.equal(mails.length, sent);
        assert.deepEqual(
          (await listKeys(t.deps)).filter((e) => e.key.address === BOB).map((e) => e.key.id),
          [entry?.key.id],
        );

        // 4. And the world finds Bob's key.
        await sleep(DIRECTORY_DELAY);
        const located = await locate(BOB, false);
        assert.equal(located.code, 0, located.stderr);
        assert.equal(fingerprintFromListing(located.listing), fingerprint);
      } finally {
        await bob.remove();
      }
    });
  });
}

function fingerprintFromListing(listing: string): string | undefined {
  return /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
}
