import assert from 'node:assert/strict';
import {
  chmod,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  DOMAIN,
  makeKey,
  memberWithAccount,
  SUBMISSION,
  withWks,
} from '../../test/support/keys.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { compareWkdExport, startWkdExport, writeWkdExport } from './export.ts';
import { publishKeyDirectly, removeKeyByAddress } from './keys.service.ts';
import { policyText } from './wkd.routes.ts';
import { wkdHash } from './zbase32.ts';

const ADA = `ada@${DOMAIN}`;
const ADA_HASH = wkdHash('ada');
const WK = '.well-known/openpgpkey';

for (const dialect of TEST_DIALECTS) {
  describe(`the WKD export for nginx (${dialect})`, () => {
    let t: TestApp;
    let exportDir: string;
    let adaKey: Uint8Array;
    beforeEach(async () => {
      const parent = await mkdtemp(join(tmpdir(), 'treff-wkd-export-'));
      await chmod(parent, 0o755);
      exportDir = join(parent, 'wkd');
      t = await createTestApp(dialect, {
        configEdit: (yaml) =>
          withWks(yaml).replace(
            'requireClubUid: true',
            `requireClubUid: true\n    exportDir: ${exportDir}`,
          ),
      });
      await memberWithAccount(t, 'ada');
      const key = await makeKey([{ name: 'Ada', email: ADA }], t.clock.now(), {
        keyExpirationTime: 30 * 86_400,
      });
      const result = await publishKeyDirectly(t.deps, CLI_ACTOR, ADA, key.armored, {
        recordFingerprint: false,
      });
      if ('kind' in result) throw new Error('unreachable');
      adaKey = result.key.key;
    });
    afterEach(async () => {
      await t.close();
      await rm(join(exportDir, '..'), { recursive: true, force: true });
    });

    const current = (path: string) => join(exportDir, 'current', path);

    test('writes both methods’ trees, the policy and the submission address, with modes nginx can read but not list', async () => {
      const report = await writeWkdExport(t.deps);
      assert.equal(report?.changed, true);
      for (const base of [WK, `${WK}/${DOMAIN}`]) {
        assert.deepEqual(new Uint8Array(await readFile(current(`${base}/hu/${ADA_HASH}`))), adaKey);
        assert.equal(await readFile(current(`${base}/policy`), 'utf8'), policyText(t.deps.config));
        assert.equal(
          await readFile(current(`${base}/submission-address`), 'utf8'),
          `${SUBMISSION}\n`,
        );
      }
      // Ada's, the submission key (the WKS client encrypts to it) and the club's signing key.
      assert.equal((await readdir(current(`${WK}/hu`))).length, 3);
      assert.equal((await stat(current(`${WK}/hu/${ADA_HASH}`))).mode & 0o777, 0o644);
      for (const dir of ['', `${WK}/hu`, `${WK}/${DOMAIN}/hu`])
        assert.equal((await stat(current(dir))).mode & 0o777, 0o711, dir);
      assert.equal((await stat(exportDir)).mode & 0o777, 0o711);
      assert.ok((await lstat(join(exportDir, 'current'))).isSymbolicLink());
      assert.deepEqual((await compareWkdExport(t.deps))?.missing, []);
    });

    test('swaps the whole tree by one rename, keeps the previous one and leaves an unchanged tree alone', async () => {
      await writeWkdExport(t.deps);
      const first = await readlink(join(exportDir, 'current'));
      assert.equal((await writeWkdExport(t.deps))?.changed, false);
      await removeKeyByAddress(t.deps, CLI_ACTOR, ADA);
      assert.equal((await writeWkdExport(t.deps))?.changed, true);
      const second = await readlink(join(exportDir, 'current'));
      assert.notEqual(second, first);
      await assert.rejects(readFile(current(`${WK}/hu/${ADA_HASH}`)), { code: 'ENOENT' });
      // The old tree stays for requests that resolved a path in it a moment ago.
      assert.deepEqual((await readdir(exportDir)).sort(), ['current', first, second].sort());
    });

    test('does not export a key past its expiry, before the removal job runs', async () => {
      t.clock.set(new Date(t.clock.now().getTime() + 31 * 86_400_000));
      await writeWkdExport(t.deps);
      await assert.rejects(readFile(current(`${WK}/hu/${ADA_HASH}`)), { code: 'ENOENT' });
    });

    test('the doctor’s comparison names missing, stale and extra files and a wrong mode', async () => {
      await writeWkdExport(t.deps);
      await rm(current(`${WK}/${DOMAIN}/hu/${ADA_HASH}`));
      await writeFile(current(`${WK}/policy`), 'mailbox-only\n', { mode: 0o644 });
      await writeFile(current(`${WK}/hu/notes.txt`), 'x', { mode: 0o600 });
      const comparison = await compareWkdExport(t.deps);
      assert.deepEqual(comparison?.missing, [`${WK}/${DOMAIN}/hu/${ADA_HASH}`]);
      // The two methods' copies of a file are one file (hard links): both are stale.
      assert.deepEqual(comparison?.stale, [`${WK}/${DOMAIN}/policy`, `${WK}/policy`]);
      assert.deepEqual(comparison?.extra, [`${WK}/hu/notes.txt`]);
      assert.deepEqual(comparison?.modes, [`${WK}/hu/notes.txt (mode 600, expected 644)`]);
      // A parent nginx cannot enter (a 0700 data dir) is named.
      await chmod(join(exportDir, '..'), 0o700);
      assert.deepEqual(
        (await compareWkdExport(t.deps))?.modes[0],
        `${join(exportDir, '..')} (mode 700: nginx cannot enter it)`,
      );
      await rm(join(exportDir, 'current'));
      assert.equal((await compareWkdExport(t.deps))?.present, false);
    });

    test('treff serve’s exporter writes at start and at once after a change in this process', async () => {
      const stop = await startWkdExport(t.deps, { pollMs: 60_000 });
      try {
        assert.ok(await readFile(current(`${WK}/hu/${ADA_HASH}`)));
        await removeKeyByAddress(t.deps, CLI_ACTOR, ADA);
        for (let i = 0; i < 100; i++) {
          if ((await compareWkdExport(t.deps))?.extra.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await assert.rejects(readFile(current(`${WK}/hu/${ADA_HASH}`)), { code: 'ENOENT' });
      } finally {
        await stop?.();
      }
    });
  });
}

test('without services.wkd.exportDir nothing is written', async () => {
  const t = await createTestApp('sqlite');
  try {
    assert.equal(await writeWkdExport(t.deps), null);
    assert.equal(await startWkdExport(t.deps), null);
    assert.equal(await compareWkdExport(t.deps), null);
  } finally {
    await t.close();
  }
});
