import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { makeKey } from '../../test/support/keys.ts';
import {
  checkKey,
  KeyError,
  minimiseForAddress,
  readPublicKey,
  recheckStoredKey,
} from './key-policy.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const ADDRESS = 'ada@chaostreff-osnabrueck.de';

async function refusal(input: string | Uint8Array, address = ADDRESS, now = NOW): Promise<string> {
  try {
    await checkKey(input, address, now);
  } catch (error) {
    assert.ok(error instanceof KeyError, `expected a KeyError, got ${String(error)}`);
    assert.ok(error.message.length > 10, 'a message for people');
    return error.code;
  }
  assert.fail('the key was accepted');
}

describe('key checks and minimisation', () => {
  let ada: Awaited<ReturnType<typeof makeKey>>;
  let certifier: Awaited<ReturnType<typeof makeKey>>;
  before(async () => {
    ada = await makeKey(
      [
        { name: 'Ada', email: ADDRESS },
        { name: 'Ada', email: 'ada@gmail.example' },
      ],
      NOW,
    );
    certifier = await makeKey([{ email: 'friend@example.org' }], NOW);
  });

  test('keeps only the user ID with the address and its self-signature, no third-party certifications', async () => {
    const certified = await ada.publicKey.signAllUsers(
      [certifier.privateKey],
      new Date(NOW.getTime() - 3600_000),
    );
    assert.equal(certified.users[0]?.otherCertifications.length, 1);
    const checked = await checkKey(certified.armor(), ADDRESS, NOW);
    const minimised = await openpgp.readKey({ binaryKey: checked.binary });
    assert.deepEqual(minimised.getUserIDs(), [`Ada <${ADDRESS}>`]);
    assert.equal(minimised.users[0]?.otherCertifications.length, 0);
    assert.equal(minimised.users[0]?.selfCertifications.length, 1);
    assert.equal(minimised.subkeys.length, 1);
    assert.equal(checked.fingerprint, ada.publicKey.getFingerprint().toUpperCase());
    assert.equal(checked.expiresAt, null);
    assert.ok(checked.binary.length < certified.write().length);
  });

  test('gives the same result for armored, binary and upper-case input', async () => {
    const a = await checkKey(ada.armored, ADDRESS, NOW);
    const b = await checkKey(ada.publicKey.write(), ADDRESS.toUpperCase(), NOW);
    assert.deepEqual(Buffer.from(a.binary), Buffer.from(b.binary));
  });

  test('refuses a secret key, armored or binary, without ever reading it as public', async () => {
    assert.equal(await refusal(ada.privateKey.armor()), 'key_secret');
    assert.equal(await refusal(ada.privateKey.write()), 'key_secret');
    assert.equal(await refusal('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\ndamaged\n'), 'key_secret');
  });

  test('refuses malformed input, nothing, and more than one key', async () => {
    assert.equal(await refusal('hello, this is not a key'), 'key_malformed');
    assert.equal(await refusal(new Uint8Array([1, 2, 3, 4])), 'key_malformed');
    assert.equal(await refusal(''), 'key_malformed');
    assert.equal(await refusal(`${ada.armored}\n${certifier.armored}`), 'key_multiple');
    const two = new Uint8Array([...ada.publicKey.write(), ...certifier.publicKey.write()]);
    assert.equal(await refusal(two), 'key_multiple');
    assert.equal(await refusal('x'.repeat(70 * 1024)), 'key_too_large');
  });

  test('refuses a key without a user ID for the club address', async () => {
    assert.equal(await refusal(certifier.armored), 'key_uid_mismatch');
    assert.equal(await refusal(ada.armored, 'bob@chaostreff-osnabrueck.de'), 'key_uid_mismatch');
  });

  test('refuses a revoked key, a revoked user ID and an expired key', async () => {
    const { publicKey: revoked } = await openpgp.revokeKey({
      key: ada.privateKey,
      date: new Date(NOW.getTime() - 3600_000),
      format: 'object',
    });
    assert.equal(await refusal(revoked.armor()), 'key_revoked');
    // The club user ID revoked, another (the primary one) still valid.
    const two = await makeKey([{ email: 'ada@gmail.example' }, { email: ADDRESS }], NOW);
    const clubUser = two.privateKey.users.find((user) => user.userID?.email === ADDRESS);
    assert.ok(clubUser);
    const revokedUser = await clubUser.revoke(
      two.privateKey.keyPacket as openpgp.SecretKeyPacket,
      undefined,
      new Date(NOW.getTime() - 3600_000),
    );
    const packets = new openpgp.PacketList<openpgp.AnyPacket>();
    packets.push(two.publicKey.keyPacket);
    for (const user of two.publicKey.users)
      packets.push(...(user.userID?.email === ADDRESS ? revokedUser : user).toPacketList());
    for (const subkey of two.publicKey.subkeys)
      packets.push(subkey.keyPacket, ...subkey.bindingSignatures);
    assert.equal(await refusal(new openpgp.PublicKey(packets).armor()), 'key_uid_invalid');
    const expiring = await makeKey([{ email: ADDRESS }], NOW, { keyExpirationTime: 2 * 86_400 });
    assert.equal(
      (await checkKey(expiring.armored, ADDRESS, NOW)).expiresAt?.toISOString(),
      '2026-03-02T10:00:00.000Z',
    );
    assert.equal(
      await refusal(expiring.armored, ADDRESS, new Date('2026-03-05T00:00:00Z')),
      'key_expired',
    );
    assert.equal(
      await recheckStoredKey(
        (await checkKey(expiring.armored, ADDRESS, NOW)).binary,
        ADDRESS,
        new Date('2026-03-05T00:00:00Z'),
      ),
      'key_expired',
    );
  });

  test('refuses a v6 key, a key that cannot encrypt, and weak RSA', async () => {
    const { publicKey: v6 } = await openpgp.generateKey({
      userIDs: [{ email: ADDRESS }],
      date: new Date(NOW.getTime() - 86_400_000),
      config: { v6Keys: true },
      format: 'object',
    });
    assert.equal(await refusal(v6.armor()), 'key_not_v4');
    const signOnly = await makeKey([{ email: ADDRESS }], NOW, { subkeys: [] });
    assert.equal(await refusal(signOnly.armored), 'key_no_encryption');
    const { publicKey: rsa } = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 1024,
      userIDs: [{ email: ADDRESS }],
      date: new Date(NOW.getTime() - 86_400_000),
      config: { minRSABits: 1024 },
      format: 'object',
    });
    assert.equal(await refusal(rsa.armor()), 'key_algorithm_rejected');
  });

  test('refuses a key whose signatures lie in the future', async () => {
    assert.equal(
      await refusal(ada.armored, ADDRESS, new Date('2026-01-01T00:00:00Z')),
      'key_invalid',
    );
  });

  test('reads the fingerprint of a refused key, for revocations', async () => {
    const key = await readPublicKey(ada.armored);
    await assert.rejects(
      minimiseForAddress(key, 'nobody@chaostreff-osnabrueck.de', NOW),
      (error) =>
        error instanceof KeyError && error.fingerprint === key.getFingerprint().toUpperCase(),
    );
  });
});
