import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TEST_DIALECTS } from '../support/db.ts';
import {
  fingerprintOf,
  generateGpgKey,
  gnupgHome,
  gnupgMissing,
  packets,
  wksClient,
  type GnupgHome,
} from '../support/gnupg.ts';
import { DOMAIN, memberWithAccount } from '../support/keys.ts';
import { runTreff } from '../support/cli.ts';
import { listKeys, wkdHashOfAddress } from '../../src/keys/index.ts';
import { checkKey } from '../../src/keys/key-policy.ts';
import { listAuditForMember } from '../../src/core/audit/index.ts';
import { silentLogger } from '../../src/core/log.ts';

/**
 * treff's WKD against real GnuPG 2.2 (Debian 12), offline: the hash, the minimised key
 * compared with what gpg-wks-client --install-key and gpg's export-minimal write, and keys made
 * by gpg that must be refused. Lookups over HTTPS are in wkd.namespace.test.ts.
 */

const skip = gnupgMissing();
const ADA = `ada@${DOMAIN}`;

describe('WKD and real GnuPG', { skip }, () => {
  let home: GnupgHome;
  let fingerprint: string;
  let work: string;
  before(async () => {
    home = await gnupgHome();
    work = await mkdtemp(join(tmpdir(), 'treff-wkd-gpg-'));
    // Ada's key: the club address, a private address, a photo ID, and a certification by a
    // friend; everything but the club user ID must go.
    fingerprint = await generateGpgKey(home, `Ada <${ADA}>`);
    await home.gpgOk(['--quick-add-uid', fingerprint, 'Ada <ada@gmail.example>']);
    await writeFile(
      join(work, 'photo.jpg'),
      Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'),
    );
    await home.gpg(
      ['--command-fd', '0', '--edit-key', fingerprint],
      `addphoto\n${join(work, 'photo.jpg')}\nsave\n`,
    );
    const friend = await generateGpgKey(home, 'Friend <friend@example.org>');
    await home.gpgOk(['--default-key', friend, '--quick-sign-key', fingerprint]);
    const listing = await home.gpgOk(['--with-colons', '--list-sigs', fingerprint]);
    assert.match(listing, /^uat:/m, 'the photo ID is there');
    assert.ok(listing.includes(friend.slice(-16)), 'the certification by the friend is there');
  });
  after(async () => {
    await home.remove();
    await rm(work, { recursive: true, force: true });
  });

  test('our hash equals gpg-wks-client --print-wkd-hash for tricky addresses', async () => {
    const locals = [
      'Joe.Doe',
      'alice',
      'Alice.Member',
      'ÄBC',
      'äbc',
      'ümlaut',
      'Straße',
      'ÉCOLE',
      'a+tag',
      'x_y-z',
      '0',
      "o'neil",
      'ab%cd',
      'MiXeD.Case.With.A.Rather.Long.Local-Part.0123456789',
    ];
    const addresses = locals.map((local) => `${local}@Example.ORG`);
    const result = await wksClient(['--print-wkd-hash'], { input: `${addresses.join('\n')}\n` });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, addresses.length);
    addresses.forEach((address, index) => {
      const [hash] = (lines[index] ?? '').split(' ');
      assert.equal(wkdHashOfAddress(address), hash, address);
    });
  });

  test('our published file has the same packets as gpg-wks-client --install-key and export-minimal write', async () => {
    const binary = new Uint8Array(
      await readFile(await exportTo(home, join(work, 'ada.gpg'), ['--export', fingerprint])),
    );
    const ours = await checkKey(binary, ADA, new Date());
    const install = async (tree: string, key: string) => {
      await mkdir(tree);
      const installed = await wksClient(['-C', tree, '--install-key', key, ADA], { env: home.env });
      assert.equal(installed.code, 0, installed.stderr);
      const names = await readdir(join(tree, DOMAIN, 'hu'));
      assert.deepEqual(names, [wkdHashOfAddress(ADA)], 'the same file name');
      return new Uint8Array(await readFile(join(tree, DOMAIN, 'hu', names[0] ?? '')));
    };

    // The key from the keyring, as gpg-wks-server --install-key publishes it.
    assert.deepEqual(
      packets(ours.binary),
      packets(await install(join(work, 'by-fpr'), fingerprint)),
    );
    // From a file, gpg-wks-client 2.2.40 only filters the user IDs (wks_filter_uid with
    // keep-uid) and so keeps third-party certifications of the kept one; treff drops them, as
    // draft-22 §6 and export-minimal do. That is the only difference.
    const fromFile = packets(await install(join(work, 'by-file'), join(work, 'ada.gpg')));
    const ourBodies = new Set(packets(ours.binary).map((packet) => packet.body));
    const extra = fromFile.filter((packet) => !ourBodies.has(packet.body));
    assert.equal(extra.length, 1);
    assert.equal(extra[0]?.tag, 2);
    assert.equal(fromFile.length, packets(ours.binary).length + 1);

    const minimal = new Uint8Array(
      await readFile(
        await exportTo(home, join(work, 'minimal.gpg'), [
          '--export-options',
          'export-minimal',
          '--export-filter',
          `keep-uid=mbox = ${ADA}`,
          '--export',
          fingerprint,
        ]),
      ),
    );
    assert.deepEqual(packets(ours.binary), packets(minimal));
    // primary key, the club user ID, its self-signature, subkey, binding: nothing else.
    assert.deepEqual(
      packets(ours.binary).map((packet) => packet.tag),
      [6, 13, 2, 14, 2],
    );

    // And gpg reads it back as the one club user ID of Ada's key.
    const reader = await gnupgHome();
    try {
      await reader.gpgOk(['--import'], ours.binary);
      const listing = await reader.gpgOk(['--with-colons', '--list-keys']);
      assert.equal(listing.match(/^uid:/gm)?.length, 1);
      assert.match(listing, new RegExp(`^uid:.*Ada <${ADA}>`, 'm'));
      assert.doesNotMatch(listing, /^uat:/m);
      assert.equal(await fingerprintOf(reader, ADA), fingerprint);
    } finally {
      await reader.remove();
    }
  });

  for (const dialect of TEST_DIALECTS) {
    describe(`treff keys publish with keys made by gpg (${dialect})`, () => {
      let t: TestApp;
      let memberId: string;
      before(async () => {
        t = await createTestApp(dialect);
        t.clock.set(new Date());
        memberId = await memberWithAccount(t, 'ada');
      });
      after(() => t.close());

      const publish = async (file: string) => {
        // The command opens the test's database, as an admin's would open the club's.
        process.env['TREFF_DATABASE_URL'] = t.deps.config.database.url;
        try {
          return await runTreff(['keys', 'publish', ADA, file, '--config', t.deps.config.file], {
            runtimeOptions: {
              log: silentLogger(),
              ...(t.deps.pgSchema ? { pgSchema: t.deps.pgSchema } : {}),
            },
          });
        } finally {
          delete process.env['TREFF_DATABASE_URL'];
        }
      };

      test('a malformed key, a secret key, a key without the club user ID and a revoked key each get a clear error and change nothing', async () => {
        const other = await gnupgHome();
        try {
          const strangerFpr = await generateGpgKey(other, 'Someone <someone@example.org>');
          const victimFpr = await generateGpgKey(other, `Ada <${ADA}>`);
          const revocation = (
            await readFile(join(other.dir, 'openpgp-revocs.d', `${victimFpr}.rev`), 'utf8')
          ).replace(/^:-----BEGIN/m, '-----BEGIN');
          await other.gpgOk(['--import'], revocation);
          const files = {
            malformed: join(work, 'malformed.asc'),
            secret: await exportTo(other, join(work, 'secret.gpg'), [
              '--export-secret-keys',
              victimFpr,
            ]),
            stranger: await exportTo(other, join(work, 'stranger.gpg'), ['--export', strangerFpr]),
            revoked: await exportTo(other, join(work, 'revoked.gpg'), ['--export', victimFpr]),
          };
          await writeFile(
            files.malformed,
            '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbroken\n-----END PGP PUBLIC KEY BLOCK-----\n',
          );
          const audit = (await listAuditForMember(t.deps.db, memberId)).length;
          const expected: Record<keyof typeof files, RegExp> = {
            malformed: /^treff: This is not a readable OpenPGP public key/,
            secret: /^treff: This is a secret \(private\) key\. Never give it away/,
            stranger: new RegExp(`^treff: The key has no user ID with the address ${ADA}`),
            revoked: /^treff: The key is revoked\./,
          };
          for (const [name, file] of Object.entries(files) as [keyof typeof files, string][]) {
            const result = await publish(file);
            assert.equal(result.code, 1, name);
            assert.match(result.err, expected[name], name);
            assert.equal(result.out, '', name);
          }
          assert.deepEqual(await listKeys(t.deps), []);
          assert.equal((await listAuditForMember(t.deps.db, memberId)).length, audit);
        } finally {
          await other.remove();
        }
      });

      test('publishes a key made by gpg, minimised', async () => {
        const file = await exportTo(home, join(work, `ada-${dialect}.asc`), [
          '--armor',
          '--export',
          fingerprint,
        ]);
        const result = await publish(file);
        assert.equal(result.code, 0, result.err);
        const [entry] = await listKeys(t.deps);
        assert.equal(entry?.key.fingerprint, fingerprint);
        assert.equal(packets(entry?.key.key ?? new Uint8Array()).length, 5);
      });
    });
  }
});

/** Runs gpg with `args` and `--output file`; returns the file. */
async function exportTo(home: GnupgHome, file: string, args: string[]): Promise<string> {
  await rm(file, { force: true });
  await home.gpgOk(['--output', file, ...args]);
  return file;
}
