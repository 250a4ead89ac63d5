import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { createTestApp, type TestApp } from '../support/app.ts';
import { memberWithAccount, withWks } from '../support/keys.ts';
import { checkKey, isKeyError, minimiseForAddress } from '../../src/keys/key-policy.ts';
import type { SubmissionKeyPair } from '../../src/keys/submission-key.ts';
import { MailRefusedError } from '../../src/core/mail/quarantine.ts';
import { parseNameValues, receiveWksMail, type WksDeps } from '../../src/keys/wks.ts';
import { corpus, fuzz, mutated, piece, SHARES, type Seed } from './fuzz.ts';

/**
 * The outside input of the keys module: an uploaded OpenPGP key (portal, admin, WKS) and a mail
 * to the WKS submission address. A key is published or refused with a KeyError; a mail is acted
 * on or ignored, or refused with a MailRefusedError (the intake quarantines it), and never throws
 * anything else (the intake would answer 451 and the MTA retry it forever).
 *
 * Mail to member-accounts@ (data-subject requests) is a later issue: its handler joins
 * MAIL_TARGETS below, with its corpus in test/fuzz/corpus/requests-mail/ and a share in SHARES.
 */

const ADDRESS = 'ada@chaostreff-osnabrueck.de';
const NOW = new Date('2026-03-01T10:00:00.000Z');

/** Binary seeds mutate as latin1 strings (one character per byte), armored ones as text. */
function bytesArbitrary(seeds: readonly Seed[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    mutated(seeds.map((seed) => seed.bytes.toString('latin1'))).map((text) =>
      Buffer.from(text, 'latin1'),
    ),
    mutated(seeds.map((seed) => seed.bytes.toString('utf8'))).map((text) =>
      Buffer.from(text, 'utf8'),
    ),
    fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
  );
}

test('OpenPGP key: any bytes give a checked key or a KeyError', async (t) => {
  const seeds = corpus('openpgp-key');
  await fuzz(t, 'openpgp-key', {
    seeds: seeds.map((seed) => ({ name: seed.name, input: seed.bytes })),
    arbitrary: bytesArbitrary(seeds),
    property: async (bytes) => {
      for (const input of [bytes, bytes.toString('utf8')]) {
        try {
          const checked = await checkKey(input, ADDRESS, NOW);
          assert.match(checked.fingerprint, /^[0-9A-F]{40}$/);
        } catch (error) {
          if (!isKeyError(error)) throw error;
        }
      }
    },
  });
});

/** What handles one raw mail; the property is the same for every mail target. */
const MAIL_TARGETS = { 'wks-mail': 'receiveWksMail' } as const;

let app: TestApp;
let deps: WksDeps;
let pair: SubmissionKeyPair;

before(async () => {
  app = await createTestApp('sqlite', { configEdit: withWks });
  deps = { ...app.deps, rawMailer: { send: () => Promise.resolve() } };
  await memberWithAccount(app, 'ada');
  // A committed submission key, so the committed encrypted mails decrypt.
  const armoredKey = corpus('wks-mail/keys')
    .find((seed) => seed.name === 'submission.key')
    ?.bytes.toString('utf8');
  assert.ok(armoredKey, 'test/fuzz/corpus/wks-mail/keys/submission.key');
  const privateKey = await openpgp.readPrivateKey({ armoredKey });
  const address = 'key-submission@chaostreff-osnabrueck.de';
  const checked = await minimiseForAddress(privateKey.toPublic(), address, NOW);
  pair = { address, binary: checked.binary, fingerprint: checked.fingerprint, privateKey };
});
after(() => app.close());

test(`${MAIL_TARGETS['wks-mail']}: any mail is acted on or ignored, never an exception`, async (t) => {
  const seeds = corpus('wks-mail');
  const kinds = new Set(['confirmation_sent', 'published', 'ignored']);
  await fuzz(t, 'wks-mail', {
    seeds: seeds.map((seed) => ({ name: seed.name, input: seed.bytes })),
    arbitrary: bytesArbitrary(seeds),
    property: async (raw) => {
      try {
        const outcome = await receiveWksMail(deps, raw, { submissionKey: pair });
        assert.ok(kinds.has(outcome.kind), outcome.kind);
      } catch (error) {
        // A mail over the parser's limits is refused with its reason; the intake quarantines it.
        if (!(error instanceof MailRefusedError)) throw error;
      }
    },
    share: SHARES['wks-mail'] * 0.9,
  });
});

test('WKS name-value body: any text gives a map of lower-case names', async (t) => {
  await fuzz(t, 'wks-mail', {
    label: 'name-values',
    seeds: [],
    arbitrary: fc.oneof(
      mutated(['type: confirmation-response\nsender: a@b\naddress: c@d\nnonce: abc\n']),
      fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join('')),
    ),
    property: (text) => {
      for (const name of parseNameValues(text).keys()) assert.equal(name, name.toLowerCase());
    },
    share: SHARES['wks-mail'] * 0.1,
  });
});
