import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { loadSigningKey } from './submission-key.ts';

/** The S2K iteration count bytes of every secret key packet in an armored key file. */
async function countBytes(file: string): Promise<number[]> {
  const key = await openpgp.readPrivateKey({ armoredKey: await readFile(file, 'utf8') });
  return key.getKeys().map((part) => {
    const s2k = (part.keyPacket as unknown as { s2k: { type: string; c: number } }).s2k;
    assert.equal(s2k.type, 'iterated');
    return s2k.c;
  });
}

describe("treff's own key files", () => {
  let t: TestApp;
  let file: string;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
    file = join(
      t.deps.config.paths.dataDir,
      'transparency',
      'transparency@chaostreff-osnabrueck.de.key',
    );
  });
  afterEach(async () => {
    await t.close();
  });

  test('a new key is encrypted with a 65,536-byte S2K count, and signs', async () => {
    const key = await loadSigningKey(t.deps);
    assert.ok(key);
    assert.deepEqual(await countBytes(file), [0x60, 0x60]);
    // OpenPGP.js types its results with the stream types of an optional peer (see pgp.ts).
    const signature: unknown = await openpgp.sign({
      message: await openpgp.createMessage({ text: 'figures' }),
      signingKeys: key.privateKey,
      detached: true,
    });
    assert.ok(typeof signature === 'string');
    assert.match(signature, /BEGIN PGP SIGNATURE/);
  });

  test("an older treff's key file (16 MiB count) is re-encrypted once: same key, same passphrase", async () => {
    const first = await loadSigningKey(t.deps);
    assert.ok(first);
    // What an older treff wrote: the same key under OpenPGP.js's default count (224).
    const passphrase = createHmac('sha256', t.deps.secret)
      .update('treff-transparency-signing-key')
      .digest('base64url');
    const old = await openpgp.encryptKey({ privateKey: first.privateKey, passphrase });
    await writeFile(file, old.armor());
    assert.deepEqual(await countBytes(file), [224, 224]);

    const again = await loadSigningKey(t.deps);
    assert.equal(again?.fingerprint, first.fingerprint);
    assert.deepEqual(await countBytes(file), [0x60, 0x60]);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const locked = await openpgp.readPrivateKey({ armoredKey: await readFile(file, 'utf8') });
    const unlocked = await openpgp.decryptKey({ privateKey: locked, passphrase });
    assert.equal(unlocked.getFingerprint().toUpperCase(), first.fingerprint);

    const before = await readFile(file, 'utf8');
    await loadSigningKey(t.deps);
    assert.equal(await readFile(file, 'utf8'), before, 'a key with the low count stays as it is');
  });
});
