import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { constants } from 'node:fs';
import { getAccountByUsername, runSync, setAccountPassword } from '../../src/accounts/index.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { startMailListener, type Intake } from '../../src/core/mail/intake.ts';
import { keysOfMember } from '../../src/keys/index.ts';
import { createMember } from '../../src/members/index.ts';
import {
  approveRequest,
  confirmRequest,
  getRequest,
  listRequests,
  requestsMailRoute,
  RequestError,
  type LedgerRequest,
} from '../../src/requests/index.ts';
import { renderAll } from '../../src/services/index.ts';
import { startAccountStack, type AccountStack } from '../support/account-stack.ts';
import { createTestApp, memberInput, type TestApp } from '../support/app.ts';
import { freePort, waitFor } from '../support/daemons.ts';
import { requireTool } from '../support/integration.ts';
import { makeKey, withWks } from '../support/keys.ts';
import {
  MEMBER_ACCOUNTS,
  memberWithKey,
  mimeSignedMail,
  plainMail,
} from '../support/request-mail.ts';

const exec = promisify(execFile);

const skip =
  [
    requireTool('/usr/sbin/dovecot', 'Dovecot (dovecot-core, dovecot-imapd, dovecot-lmtpd)'),
    requireTool('/usr/sbin/postfix', 'Postfix (postfix, postfix-lmdb)'),
    requireTool('/usr/sbin/sshd', 'OpenSSH server (openssh-server)'),
    requireTool('/usr/bin/swaks', 'swaks'),
    requireTool('/usr/bin/curl', 'curl'),
    requireTool('/usr/bin/unshare', 'unshare (util-linux)'),
    requireTool('/usr/lib/libnss_extrausers.so.2', 'libnss-extrausers', constants.R_OK),
  ].find(Boolean) ?? (process.getuid?.() === 0 ? undefined : 'needs root (mount namespaces)');

/**
 * Requests by mail through the real path: swaks → Postfix (port 25 role, the rendered
 * main.cf.treff with its transport_maps) → LMTP → treff's intake → the ledger.
 */
describe('requests by mail through the real Postfix', { skip }, () => {
  let t: TestApp;
  let root: string;
  let stack: AccountStack;
  let intake: Intake;
  let ada: Awaited<ReturnType<typeof memberWithKey>>;

  /** Sends `raw` to the member-accounts address through Postfix; resolves with its request. */
  const send = async (raw: string, from: string): Promise<LedgerRequest> => {
    const before = new Set((await listRequests(t.deps)).map((request) => request.id));
    const file = join(root, `mail-${before.size}.eml`);
    await writeFile(file, raw);
    await exec(
      'swaks',
      [
        '--server',
        `127.0.0.1:${stack.smtpPort}`,
        '--from',
        from,
        '--to',
        MEMBER_ACCOUNTS,
        '--data',
        file,
      ],
      { timeout: 30_000 },
    );
    return waitFor('the request in the ledger', async () => {
      const added = (await listRequests(t.deps)).find((request) => !before.has(request.id));
      return added;
    }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await stack.logs()}`);
    });
  };

  before(async () => {
    const lmtpPort = await freePort();
    t = await createTestApp('sqlite', {
      configEdit: (yaml) =>
        withWks(yaml).replace(
          'mail:\n  from: treff@chaostreff-osnabrueck.de',
          `mail:\n  from: treff@chaostreff-osnabrueck.de\n  intake: { host: 127.0.0.1, port: ${lmtpPort}, protocol: lmtp }`,
        ),
    });
    root = await mkdtemp('/run/treff-requests-');
    await chmod(root, 0o755);
    ada = await memberWithKey(t, 'ada', '1');
    await createMember(
      t.deps,
      CLI_ACTOR,
      memberInput({ memberNumber: '2', firstName: 'Bob', email: 'bob@example.org' }),
    );
    await runSync(t.deps, { root });
    stack = await startAccountStack(root, renderAll(t.deps.config));
    intake = await startMailListener(t.deps, {
      host: '127.0.0.1',
      port: lmtpPort,
      protocol: 'lmtp',
      routes: [requestsMailRoute(t.deps)],
    });
  });
  after(async () => {
    await intake?.close();
    await stack?.stop();
    await t?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test("a request signed by the member's key is verified at once, and removing the key empties the WKD entry", async () => {
    assert.equal((await keysOfMember(t.deps, ada.memberId)).length, 1);
    const request = await send(
      await mimeSignedMail(
        ada.key.privateKey,
        ada.email,
        'Remove my key',
        'Please remove my key from the directory.',
        t.clock.now(),
      ),
      ada.email,
    );
    assert.equal(request.identity, 'signed');
    assert.equal(request.kind, 'key.remove');
    assert.equal(request.state, 'open');
    await approveRequest(t.deps, CLI_ACTOR, request.id);
    assert.deepEqual(await keysOfMember(t.deps, ada.memberId), []);
  });

  test('an unsigned request from the registered address waits for the link; approved, its account logs in to Dovecot', async () => {
    const request = await send(
      plainMail('Bob <bob@example.org>', 'Konto', 'Hallo, ich möchte bitte ein Konto beantragen.'),
      'bob@example.org',
    );
    assert.equal(request.identity, 'registered-address');
    assert.equal(request.kind, 'account.create');
    assert.equal(request.state, 'awaiting-confirmation');
    await assert.rejects(
      approveRequest(t.deps, CLI_ACTOR, request.id),
      (e) => e instanceof RequestError && e.code === 'requests.unverified',
    );
    const link = t.mail.sent
      .filter((mail) => mail.to === 'bob@example.org')
      .map((mail) => /\/requests\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1])
      .find(Boolean);
    assert.ok(link, 'the confirmation link went to the registered address');
    await confirmRequest(t.deps, link);
    assert.equal((await getRequest(t.deps, request.id)).state, 'open');
    await approveRequest(t.deps, CLI_ACTOR, request.id, { username: 'bob' });
    const account = await getAccountByUsername(t.deps, 'bob');
    assert.ok(account);
    await setAccountPassword(t.deps, CLI_ACTOR, account.id, 'a long enough passphrase');
    await runSync(t.deps, { root });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { stdout } = await exec('curl', [
      '-sS',
      '-k',
      '--ssl-reqd',
      `imap://127.0.0.1:${stack.imapPort}/INBOX`,
      '-u',
      'bob:a long enough passphrase',
      '-X',
      'STATUS INBOX (MESSAGES)',
    ]);
    assert.match(stdout, /STATUS INBOX \(MESSAGES \d+\)/);
  });

  test('a request with a forged From is never executed', async () => {
    const forged = await send(
      plainMail('ada@example.org', 'Konto löschen', 'Bitte löscht mein Konto.'),
      'mallory@evil.example',
    );
    assert.equal(
      forged.state,
      'awaiting-confirmation',
      'the link goes to the real address, not the forger',
    );
    await assert.rejects(
      approveRequest(t.deps, CLI_ACTOR, forged.id),
      (e) => e instanceof RequestError && e.code === 'requests.unverified',
    );
    const stranger = await makeKey([{ email: 'ada@chaostreff-osnabrueck.de' }], t.clock.now());
    const wrongKey = await send(
      await mimeSignedMail(
        stranger.privateKey,
        ada.email,
        'Konto löschen',
        'Bitte mein Konto loeschen.',
        t.clock.now(),
      ),
      ada.email,
    );
    assert.equal(wrongKey.state, 'awaiting-verification');
    await assert.rejects(
      approveRequest(t.deps, CLI_ACTOR, wrongKey.id),
      (e) => e instanceof RequestError && e.code === 'requests.unverified',
    );
    assert.equal((await getAccountByUsername(t.deps, 'ada'))?.status, 'active');
  });
});
