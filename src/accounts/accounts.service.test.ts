import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR, SYSTEM_ACTOR } from '../core/audit/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.ts';
import { createMember, updateMember } from '../members/index.ts';
import {
  findAccountById,
  listAccountsForProjection,
  listPendingDeletions,
} from './accounts.repo.ts';
import {
  approveAccount,
  checkServiceLogin,
  createAccount,
  deleteAccount,
  disableAccount,
  enableAccount,
  reconcileAccounts,
  requestAccount,
  setAccountPassword,
  setPasswordWithLink,
  setSshKeys,
} from './accounts.service.ts';
import { yescryptHasher } from './password.ts';

const PASSWORD = 'correct horse battery';

function linkToken(t: TestApp): string {
  const mail = t.mail.sent.at(-1);
  return /\/account\/password\/([A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] ?? '';
}

for (const dialect of TEST_DIALECTS) {
  describe(`member accounts (${dialect})`, () => {
    let t: TestApp;
    let ada: string;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      ada = (await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }))).id;
    });
    afterEach(() => t.close());

    test('a request waits for approval; approval mails a one-time link, never a password', async () => {
      const requested = await requestAccount(t.deps, { type: 'member', id: ada }, ada, 'ada');
      assert.equal(requested.status, 'requested');
      assert.equal(requested.uid, 20000);
      assert.equal(t.mail.sent[0]?.to, 'member-accounts@chaostreff-osnabrueck.de');
      assert.doesNotMatch(t.mail.sent[0]?.text ?? '', /Ada|Lovelace|ada@/);

      const { account, linkSent } = await approveAccount(t.deps, CLI_ACTOR, requested.id);
      assert.equal(account.status, 'active');
      assert.equal(linkSent, true);
      const mail = t.mail.sent[1];
      assert.equal(mail?.to, 'ada@example.org');
      assert.match(mail?.text ?? '', /ada@chaostreff-osnabrueck\.de/);
      const token = linkToken(t);
      await setPasswordWithLink(t.deps, token, PASSWORD);
      const stored = await findAccountById(t.deps.db, account.id);
      assert.match(stored?.passwordHash ?? '', /^\$y\$/);
      assert.doesNotMatch(JSON.stringify(t.mail.sent), new RegExp(PASSWORD));
      await assert.rejects(
        setPasswordWithLink(t.deps, token, 'another long password'),
        NotFoundError,
      );
    });

    test('a password link expires', async () => {
      await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      const token = linkToken(t);
      t.clock.advance(25 * 3600 * 1000);
      await assert.rejects(setPasswordWithLink(t.deps, token, PASSWORD), NotFoundError);
    });

    test('refuses invalid, reserved and taken usernames and a second account', async () => {
      const grace = (
        await createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({ memberNumber: '43', email: 'g@example.org' }),
        )
      ).id;
      for (const name of ['Ada', 'a', '1ada', 'ada.lovelace', 'x'.repeat(33)]) {
        await assert.rejects(
          createAccount(t.deps, CLI_ACTOR, ada, name),
          (e: unknown) => e instanceof ValidationError && e.code === 'username_invalid',
          name,
        );
      }
      for (const name of [
        'root',
        'postmaster',
        'daemon',
        'vorstand',
        'member-accounts',
        'datenschutz',
      ]) {
        await assert.rejects(
          createAccount(t.deps, CLI_ACTOR, ada, name),
          (e: unknown) => e instanceof ValidationError && e.code === 'username_reserved',
          name,
        );
      }
      await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      await assert.rejects(
        createAccount(t.deps, CLI_ACTOR, ada, 'ada2'),
        (e: unknown) => e instanceof ConflictError && e.code === 'account_exists',
      );
      await assert.rejects(
        createAccount(t.deps, CLI_ACTOR, grace, 'ada'),
        (e: unknown) => e instanceof ConflictError && e.code === 'username_taken',
      );
    });

    test('refuses the shell group and Debian system names even where this host lacks them', async () => {
      for (const name of [
        'treff-shell',
        'sudo',
        'shadow',
        'staff',
        'systemd-network',
        'debian-tor',
        'postgres',
        'ssl-cert',
        'wheel',
        'postdrop',
        'abuse',
      ]) {
        await assert.rejects(
          createAccount(t.deps, CLI_ACTOR, ada, name),
          (e: unknown) => e instanceof ValidationError && e.code === 'username_reserved',
          name,
        );
      }
    });

    test('only an active member can hold an account', async () => {
      const former = (
        await createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({ memberNumber: '44', leftOn: '2026-01-31' }),
        )
      ).id;
      await assert.rejects(createAccount(t.deps, CLI_ACTOR, former, 'former'), ForbiddenError);
      await assert.rejects(requestAccount(t.deps, CLI_ACTOR, former, 'former'), ForbiddenError);
    });

    test('uids start at 20000 and are never reused', async () => {
      const first = (await createAccount(t.deps, CLI_ACTOR, ada, 'ada')).account;
      await deleteAccount(t.deps, CLI_ACTOR, first.id);
      const again = (await createAccount(t.deps, CLI_ACTOR, ada, 'ada')).account;
      assert.deepEqual([first.uid, again.uid], [20000, 20001]);
      assert.deepEqual(
        (await listPendingDeletions(t.deps.db)).map((d) => [d.username, d.uid]),
        [['ada', 20000]],
      );
    });

    test('checks service logins: wrong password, disabled account, disabled service, former member', async () => {
      const { account } = await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, PASSWORD);
      assert.equal((await checkServiceLogin(t.deps, 'ada', PASSWORD, 'xmpp'))?.id, account.id);
      assert.equal(await checkServiceLogin(t.deps, 'ada', 'wrong horse battery', 'xmpp'), null);
      assert.equal(await checkServiceLogin(t.deps, 'nobody', PASSWORD, 'xmpp'), null);
      await disableAccount(t.deps, CLI_ACTOR, account.id);
      assert.equal(await checkServiceLogin(t.deps, 'ada', PASSWORD, 'xmpp'), null);
      await enableAccount(t.deps, CLI_ACTOR, account.id);
      assert.ok(await checkServiceLogin(t.deps, 'ada', PASSWORD, 'web'));
      await updateMember(
        t.deps,
        CLI_ACTOR,
        ada,
        memberInput({ email: 'ada@example.org', leftOn: '2026-03-01' }),
      );
      assert.equal(await checkServiceLogin(t.deps, 'ada', PASSWORD, 'web'), null);
    });

    test('upgrades a stale hash at the next successful login', async () => {
      const { account } = await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      const cheap = await yescryptHasher(4).hash(PASSWORD);
      await t.deps.db
        .updateTable('accounts')
        .set({ password_hash: cheap })
        .where('id', '=', account.id)
        .execute();
      const stronger = { ...t.deps, accountHasher: yescryptHasher(5) };
      assert.ok(await checkServiceLogin(stronger, 'ada', PASSWORD, 'xmpp'));
      const upgraded = (await findAccountById(t.deps.db, account.id))?.passwordHash ?? '';
      assert.match(upgraded, /^\$y\$j9T\$/);
      assert.ok(await checkServiceLogin(stronger, 'ada', PASSWORD, 'xmpp'));
    });

    test('an ended membership disables the account at once and deletes it after the declared 30 days', async () => {
      const { account } = await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      await updateMember(
        t.deps,
        CLI_ACTOR,
        ada,
        memberInput({ email: 'ada@example.org', leftOn: '2026-03-01' }),
      );
      assert.deepEqual(await reconcileAccounts(t.deps, SYSTEM_ACTOR), { disabled: 1, deleted: 0 });
      const disabled = await findAccountById(t.deps.db, account.id);
      assert.equal(disabled?.status, 'disabled');
      assert.equal(disabled?.deleteAfter, '2026-03-31');
      assert.deepEqual(await reconcileAccounts(t.deps, SYSTEM_ACTOR), { disabled: 0, deleted: 0 });
      t.clock.set('2026-03-30T12:00:00Z');
      assert.deepEqual(await reconcileAccounts(t.deps, SYSTEM_ACTOR), { disabled: 0, deleted: 0 });
      t.clock.set('2026-03-31T12:00:00Z');
      assert.deepEqual(await reconcileAccounts(t.deps, SYSTEM_ACTOR), { disabled: 0, deleted: 1 });
      assert.equal(await findAccountById(t.deps.db, account.id), undefined);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select(['event', 'fields'])
        .where('event', 'like', 'accounts.%')
        .execute();
      assert.deepEqual(
        events.map((e) => e.event),
        ['accounts.account.created', 'accounts.account.disabled', 'accounts.account.deleted'],
      );
      assert.doesNotMatch(JSON.stringify(events), /ada/);
    });

    test('accepts OpenSSH public keys and refuses anything else per line', async () => {
      const { account } = await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      await setSshKeys(
        t.deps,
        CLI_ACTOR,
        account.id,
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9tT0NHIGF1dGggdGVzdCBrZXk laptop\n\n# comment\n',
      );
      assert.deepEqual((await findAccountById(t.deps.db, account.id))?.sshKeys, [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9tT0NHIGF1dGggdGVzdCBrZXk laptop',
      ]);
      await assert.rejects(
        setSshKeys(
          t.deps,
          CLI_ACTOR,
          account.id,
          'command="rm -rf /" ssh-ed25519 AAAA x\nssh-ed25519 AAAAC3Nz ok',
        ),
        (e: unknown) =>
          e instanceof ValidationError && e.issues.length === 1 && e.issues[0]?.path === 'line 1',
      );
    });

    test('refuses an SSH key whose comment holds a control or bidi character', async () => {
      const { account } = await createAccount(t.deps, CLI_ACTOR, ada, 'ada');
      for (const comment of ['lap\u0000top', 'lap\u202Etop', 'lap\rtop', 'lap\u2028top']) {
        await assert.rejects(
          setSshKeys(
            t.deps,
            CLI_ACTOR,
            account.id,
            `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9tT0NHIGF1dGggdGVzdCBrZXk ${comment}`,
          ),
          (e: unknown) => e instanceof ValidationError && e.issues[0]?.path === 'line 1',
          JSON.stringify(comment),
        );
      }
      assert.deepEqual((await findAccountById(t.deps.db, account.id))?.sshKeys, []);
    });

    test('lists only accounts past the request stage for the projections', async () => {
      await requestAccount(t.deps, CLI_ACTOR, ada, 'ada');
      assert.deepEqual(await listAccountsForProjection(t.deps.db), []);
    });
  });
}
