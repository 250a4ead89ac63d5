import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  asciiLower,
  normaliseAddress,
  splitAddress,
  WKD_HASH,
  wkdHash,
  wkdHashOfAddress,
  zbase32,
} from './zbase32.ts';

test('hashes the test vector of draft-koch-openpgp-webkey-service-22 §3.1', () => {
  assert.equal(wkdHashOfAddress('Joe.Doe@Example.ORG'), 'iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  assert.equal(wkdHash('joe.doe'), 'iy9q119eutrkn8s1mk4r39qejnbu3n5q');
});

test('encodes z-base-32 as RFC 6189 §5.1.6, padding the last group with zero bits', () => {
  assert.equal(zbase32(new Uint8Array([])), '');
  assert.equal(zbase32(new Uint8Array([0])), 'yy');
  assert.equal(zbase32(new Uint8Array([0xff])), '9h');
  assert.equal(zbase32(new Uint8Array(20).fill(0xff)), '9'.repeat(32));
  assert.match(wkdHash('alice'), WKD_HASH);
});

test('lower-cases ASCII letters only, as the draft and GnuPG do', () => {
  assert.equal(asciiLower('ÄBC-Straße'), 'Äbc-straße');
  assert.notEqual(wkdHash('ÄBC'), wkdHash('äbc'));
  assert.equal(wkdHash('ALICE'), wkdHash('alice'));
});

test('splits an address at its last @ and normalises it', () => {
  assert.deepEqual(splitAddress('"a@b"@club.example'), {
    localPart: '"a@b"',
    domain: 'club.example',
  });
  assert.throws(() => splitAddress('no-at-sign'));
  assert.throws(() => splitAddress('@club.example'));
  assert.equal(normaliseAddress(' Alice@Club.Example '), 'alice@club.example');
});
