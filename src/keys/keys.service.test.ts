import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  codeIn,
  decryptText,
  DOMAIN,
  makeKey,
  memberWithAccount,
} from '../../test/support/keys.ts';
import { disableAccount, getAccountByUsername } from '../accounts/index.ts';
import { CLI_ACTOR, listAuditForMember } from '../core/audit/index.ts';
import { AppError } from '../core/errors.ts';
import { createMember, getMember, updateMember } from '../members/index.ts';
import { KeyError } from './key-policy.ts';
import { listKeysOfMember } from './keys.repo.ts';
import {
  clubAddressOf,
  confirmPublication,
  keysOfMember,
  listKeys,
  MAX_CODE_ATTEMPTS,
  publishKeyDirectly,
  removeKeyByAddress,
  removeKeyOfMember,
  removeStaleKeys,
  requestPublication,
  staleKeysRemoved,
} from './keys.service.ts';

const ADA = `ada@${DOMAIN}`;

async function codeOf(t: TestApp, challenge: string, key: openpgp.PrivateKey): Promise<string> {
  return codeIn(await decryptText(challenge, key, t.clock.now()));
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error.code;
  }
  assert.fail('no error');
}

for (const dialect of TEST_DIALECTS) {
  describe(`keys service (${dialect})`, () => {
    let t: TestApp;
    let memberId: string;
    let ada: Awaited<ReturnType<typeof makeKey>>;
    const member = { type: 'member' as const, id: '' };

    beforeEach(async () => {
      t = await createTestApp(dialect);
      memberId = await memberWithAccount(t, 'ada');
      member.id = memberId;
      ada = await makeKey(
        [{ name: 'Ada', email: ADA }, { email: 'ada@example.org' }],
        t.clock.now(),
      );
    });
    afterEach(() => t.close());

    const publishWithProof = async (key = ada, recordFingerprint = false) => {
      const request = await requestPublication(t.deps, member, memberId, key.armored, 'portal');
      assert.equal(request.kind, 'pending');
      if (request.kind !== 'pending') throw new Error('unreachable');
      const code = await codeOf(t, request.challenge, key.privateKey);
      return confirmPublication(t.deps, member, memberId, code, { recordFingerprint });
    };

    test("a member's club address is their active account's mail address", async () => {
      assert.equal(await clubAddressOf(t.deps, memberId), ADA);
      const other = await getMember(t.deps, { includeRestricted: false }, memberId);
      assert.equal(other.email, 'ada@example.org', 'not the registry address');
    });

    test('publishes after the member decrypts the one-time code, minimised to the club user ID', async () => {
      const request = await requestPublication(t.deps, member, memberId, ada.armored, 'portal');
      assert.equal(request.kind, 'pending');
      if (request.kind !== 'pending') return;
      assert.equal(request.mailed, true);
      const mail = t.mail.sent.findLast((m) => m.to === ADA);
      assert.ok(mail?.text.includes(request.challenge), 'the challenge goes to the club address');
      assert.deepEqual(await listKeys(t.deps), [], 'nothing published before the proof');
      const code = await codeOf(t, request.challenge, ada.privateKey);
      const { key, fingerprintRecorded } = await confirmPublication(
        t.deps,
        member,
        memberId,
        code,
        {
          recordFingerprint: false,
        },
      );
      assert.equal(fingerprintRecorded, false);
      assert.equal(key.address, ADA);
      assert.equal(key.source, 'portal');
      const served = await openpgp.readKey({ binaryKey: key.key });
      assert.deepEqual(served.getUserIDs(), [`Ada <${ADA}>`]);
      const rows = await listKeysOfMember(t.deps.db, memberId);
      assert.deepEqual(
        rows.map((row) => row.state),
        ['published'],
        'the pending row is gone',
      );
      const events = (await listAuditForMember(t.deps.db, memberId)).filter((e) =>
        e.event.startsWith('keys.'),
      );
      assert.deepEqual(
        events.map((e) => e.event),
        ['keys.publication.requested', 'keys.key.published'],
      );
      for (const event of events) {
        assert.deepEqual(event.fields, []);
        assert.doesNotMatch(JSON.stringify(event), /ada@|[0-9A-F]{40}/);
      }
    });

    test('a code works once, and not for a lapsed request', async () => {
      const request = await requestPublication(t.deps, member, memberId, ada.armored, 'portal');
      if (request.kind !== 'pending') throw new Error('unreachable');
      const code = await codeOf(t, request.challenge, ada.privateKey);
      await confirmPublication(t.deps, member, memberId, code, { recordFingerprint: false });
      assert.equal(
        await errorCode(
          confirmPublication(t.deps, member, memberId, code, { recordFingerprint: false }),
        ),
        'publication_not_found',
      );
      const again = await requestPublication(t.deps, member, memberId, ada.armored, 'portal');
      if (again.kind !== 'pending') throw new Error('unreachable');
      t.clock.advance(3 * 86_400_000);
      assert.equal(
        await errorCode(
          confirmPublication(
            t.deps,
            member,
            memberId,
            await codeOf(t, again.challenge, ada.privateKey),
            {
              recordFingerprint: false,
            },
          ),
        ),
        'publication_not_found',
      );
    });

    test('counts wrong codes and drops the request after five', async () => {
      const request = await requestPublication(t.deps, member, memberId, ada.armored, 'portal');
      if (request.kind !== 'pending') throw new Error('unreachable');
      const wrong = 'y'.repeat(32);
      for (let attempt = 1; attempt < MAX_CODE_ATTEMPTS; attempt++) {
        assert.equal(
          await errorCode(
            confirmPublication(t.deps, member, memberId, wrong, { recordFingerprint: false }),
          ),
          'code_wrong',
        );
      }
      assert.equal(
        await errorCode(
          confirmPublication(t.deps, member, memberId, wrong, { recordFingerprint: false }),
        ),
        'code_attempts_exceeded',
      );
      const right = await codeOf(t, request.challenge, ada.privateKey);
      assert.equal(
        await errorCode(
          confirmPublication(t.deps, member, memberId, right, { recordFingerprint: false }),
        ),
        'publication_not_found',
      );
      assert.deepEqual(await keysOfMember(t.deps, memberId), []);
    });

    test("sets the registry's fingerprint only with the member's consent", async () => {
      await publishWithProof(ada, false);
      assert.equal(
        (await getMember(t.deps, { includeRestricted: false }, memberId)).openpgpFingerprint,
        null,
      );
      const { fingerprintRecorded, key } = await publishWithProof(ada, true);
      assert.equal(fingerprintRecorded, true);
      assert.equal(
        (await getMember(t.deps, { includeRestricted: false }, memberId)).openpgpFingerprint,
        key.fingerprint,
      );
    });

    test('a new key replaces the old one: exactly one key per address', async () => {
      await publishWithProof(ada);
      const second = await makeKey([{ email: ADA }], t.clock.now());
      const { key } = await publishWithProof(second);
      const published = await listKeys(t.deps);
      assert.equal(published.length, 1);
      assert.equal(published[0]?.key.fingerprint, key.fingerprint);
      assert.equal(key.fingerprint, second.publicKey.getFingerprint().toUpperCase());
    });

    test('a malformed key, a secret key, a key without the club user ID and a revoked key change nothing', async () => {
      const { publicKey: revoked } = await openpgp.revokeKey({
        key: ada.privateKey,
        date: new Date(t.clock.now().getTime() - 3600_000),
        format: 'object',
      });
      const stranger = await makeKey([{ email: 'someone@example.org' }], t.clock.now());
      const before = (await listAuditForMember(t.deps.db, memberId)).length;
      const sent = t.mail.sent.length;
      for (const [input, code] of [
        ['not a key at all', 'key_malformed'],
        [ada.privateKey.armor(), 'key_secret'],
        [stranger.armored, 'key_uid_mismatch'],
        [revoked.armor(), 'key_revoked'],
      ] as const) {
        await assert.rejects(
          requestPublication(t.deps, member, memberId, input, 'portal'),
          (error) => error instanceof KeyError && error.code === code,
        );
        await assert.rejects(
          publishKeyDirectly(t.deps, CLI_ACTOR, ADA, input, { recordFingerprint: true }),
          (error) => error instanceof KeyError && error.code === code,
        );
      }
      assert.deepEqual(await keysOfMember(t.deps, memberId), []);
      assert.equal((await listAuditForMember(t.deps.db, memberId)).length, before);
      assert.equal(t.mail.sent.length, sent);
    });

    test('a revoked version of the published key takes it down', async () => {
      await publishWithProof();
      const { publicKey: revoked } = await openpgp.revokeKey({
        key: ada.privateKey,
        date: t.clock.now(),
        format: 'object',
      });
      t.clock.advance(1000);
      const outcome = await requestPublication(t.deps, member, memberId, revoked.armor(), 'portal');
      assert.equal(outcome.kind, 'revoked');
      assert.deepEqual(await listKeys(t.deps), []);
    });

    test('only active members with an active account can publish', async () => {
      const other = await memberWithAccount(t, 'bob', '43');
      const account = await getAccountByUsername(t.deps, 'bob');
      await disableAccount(t.deps, CLI_ACTOR, account.id);
      assert.equal(await errorCode(clubAddressOf(t.deps, other)), 'account_not_active');
      const none = await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '44' }));
      assert.equal(await errorCode(clubAddressOf(t.deps, none.id)), 'account_not_active');
      assert.equal(
        await errorCode(
          publishKeyDirectly(t.deps, CLI_ACTOR, `bob@${DOMAIN}`, ada.armored, {
            recordFingerprint: false,
          }),
        ),
        'account_not_active',
      );
      assert.equal(
        await errorCode(
          publishKeyDirectly(t.deps, CLI_ACTOR, 'ada@example.org', ada.armored, {
            recordFingerprint: false,
          }),
        ),
        'address_unknown',
      );
      assert.equal(
        await errorCode(
          publishKeyDirectly(t.deps, CLI_ACTOR, `nobody@${DOMAIN}`, ada.armored, {
            recordFingerprint: false,
          }),
        ),
        'address_unknown',
      );
    });

    test('the admin publishes at once from the command line, case-insensitively, and removes again', async () => {
      const result = await publishKeyDirectly(
        t.deps,
        CLI_ACTOR,
        `Ada@${DOMAIN.toUpperCase()}`,
        ada.publicKey.write(),
        {
          recordFingerprint: true,
        },
      );
      assert.ok(!('kind' in result));
      assert.equal(result.key.source, 'cli');
      assert.equal(result.fingerprintRecorded, true);
      await removeKeyByAddress(t.deps, CLI_ACTOR, ADA.toUpperCase());
      assert.deepEqual(await listKeys(t.deps), []);
      assert.equal(await errorCode(removeKeyByAddress(t.deps, CLI_ACTOR, ADA)), 'key_not_found');
      await publishWithProof();
      assert.equal(await removeKeyOfMember(t.deps, member, memberId), true);
      assert.equal(await removeKeyOfMember(t.deps, member, memberId), false, 'idempotent');
      const events = (await listAuditForMember(t.deps.db, memberId)).map((e) => e.event);
      assert.equal(events.filter((e) => e === 'keys.key.removed').length, 2);
    });

    test('removes keys of former members, disabled accounts and expired keys, and lapsed requests; idempotent', async () => {
      await publishWithProof();
      const bobId = await memberWithAccount(t, 'bob', '43');
      const bobKey = await makeKey([{ email: `bob@${DOMAIN}` }], t.clock.now());
      await publishKeyDirectly(t.deps, CLI_ACTOR, `bob@${DOMAIN}`, bobKey.armored, {
        recordFingerprint: false,
      });
      const carlId = await memberWithAccount(t, 'carl', '44');
      const carlKey = await makeKey([{ email: `carl@${DOMAIN}` }], t.clock.now(), {
        keyExpirationTime: 10 * 86_400,
      });
      await publishKeyDirectly(t.deps, CLI_ACTOR, `carl@${DOMAIN}`, carlKey.armored, {
        recordFingerprint: false,
      });
      const dora = await memberWithAccount(t, 'dora', '45');
      const doraKey = await makeKey([{ email: `dora@${DOMAIN}` }], t.clock.now());
      await requestPublication(
        t.deps,
        { type: 'member', id: dora },
        dora,
        doraKey.armored,
        'portal',
      );

      assert.equal(staleKeysRemoved(await removeStaleKeys(t.deps, CLI_ACTOR)), 0);
      await updateMember(
        t.deps,
        CLI_ACTOR,
        bobId,
        memberInput({ memberNumber: '43', email: 'bob@example.org', leftOn: '2026-03-01' }),
      );
      await disableAccount(t.deps, CLI_ACTOR, (await getAccountByUsername(t.deps, 'ada')).id);
      t.clock.advance(12 * 86_400_000);

      const dry = await removeStaleKeys(t.deps, CLI_ACTOR, { dryRun: true });
      assert.equal(staleKeysRemoved(dry), 4);
      assert.equal((await listKeys(t.deps)).length, 3, 'a dry run removes nothing');
      const report = await removeStaleKeys(t.deps, CLI_ACTOR);
      assert.deepEqual(report.removed, {
        member_left: 1,
        account_inactive: 1,
        expired: 1,
        revoked: 0,
        invalid: 0,
      });
      assert.equal(report.lapsed, 1);
      assert.equal(report.oldestKeptAt, null);
      assert.deepEqual(await listKeys(t.deps), []);
      assert.equal(staleKeysRemoved(await removeStaleKeys(t.deps, CLI_ACTOR)), 0, 'idempotent');
      for (const id of [memberId, bobId, carlId]) {
        const events = (await listAuditForMember(t.deps.db, id)).map((e) => e.event);
        assert.ok(events.includes('keys.key.removed'), `${id}: ${events.join(',')}`);
      }
      assert.ok(
        (await listAuditForMember(t.deps.db, dora)).some(
          (e) => e.event === 'keys.publication.lapsed',
        ),
      );
    });
  });
}
