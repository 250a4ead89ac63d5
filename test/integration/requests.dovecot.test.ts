import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { getAccountByUsername, runSync, setAccountPassword } from '../../src/accounts/index.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import { createMember } from '../../src/members/index.ts';
import { approveRequest, recordRequest } from '../../src/requests/index.ts';
import { renderAll } from '../../src/services/index.ts';
import { startAccountStack, type AccountStack } from '../support/account-stack.ts';
import { createTestApp, EXAMPLE_CONFIG, memberInput, type TestApp } from '../support/app.ts';
import { requireTool } from '../support/integration.ts';

const exec = promisify(execFile);
const PASSWORD = 'correct horse battery staple';

const skip =
  [
    requireTool('/usr/sbin/dovecot', 'Dovecot (dovecot-core, dovecot-imapd, dovecot-lmtpd)'),
    requireTool('/usr/sbin/postfix', 'Postfix (postfix, postfix-lmdb)'),
    requireTool('/usr/sbin/sshd', 'OpenSSH server (openssh-server)'),
    requireTool('/usr/bin/curl', 'curl'),
    requireTool('/usr/bin/unshare', 'unshare (util-linux)'),
    requireTool('/usr/lib/libnss_extrausers.so.2', 'libnss-extrausers', constants.R_OK),
  ].find(Boolean) ?? (process.getuid?.() === 0 ? undefined : 'needs root (mount namespaces)');

describe('an approved account request on the real Dovecot', { skip }, () => {
  let t: TestApp;
  let root: string;
  let stack: AccountStack;

  before(async () => {
    t = await createTestApp('sqlite');
    root = await mkdtemp('/run/treff-requests-');
    await chmod(root, 0o755);
    const member = await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
    const { id } = await recordRequest(t.deps, CLI_ACTOR, {
      kind: 'account.create',
      channel: 'mail',
      receivedAt: t.clock.now(),
      lang: 'de',
      identity: { kind: 'signed', memberId: member.id, fingerprint: 'AB'.repeat(20) },
      replyTo: 'ada@example.org',
      username: 'ada',
    });
    await approveRequest(t.deps, CLI_ACTOR, id);
    // The member sets the password through the mailed link; here directly.
    const account = await getAccountByUsername(t.deps, 'ada');
    await setAccountPassword(t.deps, CLI_ACTOR, account.id, PASSWORD);
    await runSync(t.deps, { root });
    const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
    stack = await startAccountStack(root, renderAll(config));
  });

  after(async () => {
    await stack?.stop();
    await t?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('approving an account request produces an account Dovecot accepts', async () => {
    const login = await exec('curl', [
      '-sS',
      '-k',
      '--ssl-reqd',
      `imap://127.0.0.1:${stack.imapPort}/INBOX`,
      '-u',
      `ada:${PASSWORD}`,
      '-X',
      'STATUS INBOX (MESSAGES)',
    ]).catch(async (error: unknown) => {
      assert.fail(`${String(error)}\n${await stack.logs()}`);
    });
    assert.match(login.stdout, /MESSAGES 0/);
  });
});
