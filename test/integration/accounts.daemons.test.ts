import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { promisify } from 'node:util';
import { internalApp, runSync } from '../../src/accounts/index.ts';
import {
  createAccount,
  disableAccount,
  setAccountPassword,
  setSshKeys,
} from '../../src/accounts/accounts.service.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import { createMember } from '../../src/members/index.ts';
import { renderAll } from '../../src/services/index.ts';
import { startAccountStack, type AccountStack } from '../support/account-stack.ts';
import { freePort, sshPasswordArgs } from '../support/daemons.ts';
import { startProsody, xmppLogin, type Prosody } from '../support/prosody.ts';
import { createTestApp, EXAMPLE_CONFIG, memberInput, type TestApp } from '../support/app.ts';
import { requireTool } from '../support/integration.ts';

const exec = promisify(execFile);
const DOMAIN = 'chaostreff-osnabrueck.de';
const OLD = 'correct horse battery';
const NEW = 'a brand new passphrase';

const TOOLS: [string, string][] = [
  ['/usr/sbin/dovecot', 'Dovecot (dovecot-core, dovecot-imapd, dovecot-lmtpd)'],
  ['/usr/sbin/postfix', 'Postfix (postfix, postfix-lmdb)'],
  ['/usr/sbin/sshd', 'OpenSSH server (openssh-server)'],
  ['/usr/bin/swaks', 'swaks'],
  ['/usr/bin/curl', 'curl'],
  ['/usr/bin/sshpass', 'sshpass'],
  ['/usr/bin/unshare', 'unshare (util-linux)'],
  ['/usr/bin/prosody', 'Prosody (prosody)'],
];
const skip =
  [
    ...TOOLS.map(([path, what]) => requireTool(path, what)),
    requireTool('/usr/lib/libnss_extrausers.so.2', 'libnss-extrausers', constants.R_OK),
  ].find(Boolean) ?? (process.getuid?.() === 0 ? undefined : 'needs root (mount namespaces)');

interface Outcome {
  ok: boolean;
  output: string;
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(command, args, {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return {
      ok: false,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''} (exit ${String(failed.code)})`,
    };
  }
}

describe('member accounts on the real daemons', { skip }, () => {
  let t: TestApp;
  let root: string;
  let stack: AccountStack;
  let prosody: Prosody;
  let internal: ServerType;
  const ids: Record<string, string> = {};

  // Dovecot's passwd-file looks at the file's mtime at most once per second (db-passwd-file.c
  // passwd_file_sync), so a change is seen from the next second on: wait for it.
  const sync = async () => {
    await runSync(t.deps, { root });
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };
  const imap = (user: string, password: string) =>
    run('curl', [
      '-sS',
      '-k',
      '--ssl-reqd',
      `imap://127.0.0.1:${stack.imapPort}/INBOX`,
      '-u',
      `${user}:${password}`,
      '-X',
      'STATUS INBOX (MESSAGES)',
    ]);
  const smtp = (user: string, password: string, to: string) =>
    run('swaks', [
      '--server',
      `127.0.0.1:${stack.submissionPort}`,
      '-tls',
      '--no-tls-verify',
      '--auth',
      'PLAIN',
      '--auth-user',
      user,
      '--auth-password',
      password,
      '--from',
      `${user}@${DOMAIN}`,
      '--to',
      to,
      '--header',
      `Subject: from ${user}`,
      '--body',
      'hello',
    ]);
  const sshPassword = (user: string, password: string) =>
    run('sshpass', sshPasswordArgs(user, '127.0.0.1', stack.sshPort), { SSHPASS: password });
  const sshKey = (user: string) =>
    run('ssh', [
      '-p',
      String(stack.sshPort),
      '-i',
      join(root, 'client_key'),
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'PreferredAuthentications=publickey',
      '-o',
      'ConnectTimeout=10',
      `${user}@127.0.0.1`,
      'id',
      '-un',
    ]);

  before(async () => {
    t = await createTestApp('sqlite');
    // sshd's StrictModes wants every directory above the key files root-owned and not
    // writable by others: a private directory under /run rather than under /tmp.
    root = await mkdtemp('/run/treff-accounts-');
    await chmod(root, 0o755);
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'client_key')]);
    const publicKey = (await readFile(join(root, 'client_key.pub'), 'utf8')).trim();
    const people = [
      {
        number: '1',
        first: 'Alice',
        username: 'alice',
        services: { shell: true, mail: true, xmpp: true },
      },
      {
        number: '2',
        first: 'Bob',
        username: 'bob',
        services: { shell: true, mail: true, xmpp: true },
      },
      {
        number: '3',
        first: 'Carol',
        username: 'carol',
        services: { shell: false, mail: true, xmpp: false },
      },
    ];
    for (const person of people) {
      const member = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: person.number,
          firstName: person.first,
          email: `${person.username}@example.org`,
        }),
      );
      const { account } = await createAccount(
        t.deps,
        CLI_ACTOR,
        member.id,
        person.username,
        person.services,
      );
      await setAccountPassword(t.deps, CLI_ACTOR, account.id, OLD);
      if (person.services.shell) await setSshKeys(t.deps, CLI_ACTOR, account.id, publicKey);
      ids[person.username] = account.id;
    }
    await runSync(t.deps, { root });
    const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
    const files = renderAll(config);
    stack = await startAccountStack(root, files);

    // XMPP: treff's real internal endpoint on a loopback port, Prosody with the rendered
    // VirtualHost settings pointing at it and at the projections under root.
    const internalPort = await freePort();
    internal = serve({
      fetch: internalApp(t.deps).fetch,
      hostname: '127.0.0.1',
      port: internalPort,
    });
    await once(internal, 'listening');
    const rendered =
      files.find((file) => file.path === 'etc/prosody/conf.d/treff-auth.cfg.lua')?.content ?? '';
    const hostConfig = rendered
      .slice(rendered.indexOf('\n', rendered.indexOf('VirtualHost')) + 1)
      .replace(`127.0.0.1:${config.web.internalPort}`, `127.0.0.1:${internalPort}`)
      .replaceAll('/etc/prosody/', `${join(root, 'etc/prosody')}/`)
      .replaceAll('/var/lib/treff/', `${join(root, 'var/lib/treff')}/`);
    prosody = await startProsody({ domain: DOMAIN, hostConfig });
  });

  after(async () => {
    await prosody?.stop();
    internal?.close();
    await stack?.stop();
    await t?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('IMAP: the right password logs in, a wrong one is refused', async () => {
    const good = await imap('alice', OLD);
    assert.ok(good.ok, `${good.output}\n${await stack.logs()}`);
    assert.match(good.output, /MESSAGES 0/);
    const wrong = await imap('alice', 'wrong horse battery');
    assert.equal(wrong.ok, false);
    assert.match(wrong.output, /exit 67/);
  });

  test("SMTP: AUTH with the right password sends, and the mail lands in the recipient's mailbox", async () => {
    const sent = await smtp('alice', OLD, `carol@${DOMAIN}`);
    assert.ok(sent.ok, `${sent.output}\n${await stack.logs()}`);
    assert.match(sent.output, /235 2\.7\.0 Authentication successful/);
    const delivered = await waitForMail(root, 'carol');
    assert.match(delivered, /Subject: from alice/);
    assert.match((await imap('carol', OLD)).output, /MESSAGES 1/);
    const wrong = await smtp('alice', 'wrong horse battery', `carol@${DOMAIN}`);
    assert.equal(wrong.ok, false);
    assert.match(wrong.output, /535 5\.7\.8/);
    const spoof = await run('swaks', [
      '--server',
      `127.0.0.1:${stack.submissionPort}`,
      '-tls',
      '--no-tls-verify',
      '--auth',
      'PLAIN',
      '--auth-user',
      'alice',
      '--auth-password',
      OLD,
      '--from',
      `bob@${DOMAIN}`,
      '--to',
      `carol@${DOMAIN}`,
    ]);
    assert.match(spoof.output, /553 5\.7\.1/);
  });

  test('SSH: password and key logins work, a wrong password is refused', async () => {
    const password = await sshPassword('alice', OLD);
    assert.ok(password.ok, `${password.output}\n${await stack.logs()}`);
    assert.equal(password.output.trim().split('\n').at(-1), 'alice');
    const key = await sshKey('alice');
    assert.ok(key.ok, key.output);
    assert.match(key.output, /alice/);
    assert.equal((await sshPassword('alice', 'wrong horse battery')).ok, false);
    assert.equal((await sshPassword('carol', OLD)).ok, false, 'carol has no shell access');
  });

  const xmpp = (username: string, password: string) =>
    xmppLogin({ port: prosody.port, domain: DOMAIN, username, password });
  const xmppRefused = async (username: string, password: string) => {
    await assert.rejects(
      xmpp(username, password),
      (error: { condition?: string }) => error.condition === 'not-authorized',
    );
  };

  test('XMPP: the right password logs in through treff, a wrong one is refused, Prosody never stalls', async () => {
    const alice = await xmpp('alice', OLD);
    try {
      assert.match(alice.jid, new RegExp(`^alice@${DOMAIN}/`));
      // While a failing login waits a second for treff's answer, Alice's pings keep flowing.
      const pings: number[] = [];
      let done = false;
      const pinger = (async () => {
        while (!done) {
          pings.push(await alice.ping());
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const started = performance.now();
      await xmppRefused('alice', 'wrong horse battery');
      const failedAfter = performance.now() - started;
      done = true;
      await pinger;
      const worst = Math.max(...pings);
      console.log(
        `failed XMPP login took ${failedAfter.toFixed(0)} ms; ${pings.length} pings meanwhile, worst ${worst.toFixed(1)} ms`,
      );
      assert.ok(failedAfter >= 900, 'the refusal waited for treff');
      assert.ok(pings.length >= 5);
      assert.ok(worst < 100, `worst ping ${worst} ms`);
    } finally {
      await alice.stop();
    }
    await xmppRefused('carol', OLD);
  });

  test('a password change works on every service at once, without reloading a daemon', async () => {
    await setAccountPassword(t.deps, CLI_ACTOR, ids['alice'] ?? '', NEW);
    await sync();
    assert.ok((await imap('alice', NEW)).ok);
    assert.equal((await imap('alice', OLD)).ok, false);
    assert.match((await smtp('alice', NEW, `carol@${DOMAIN}`)).output, /235 2\.7\.0/);
    assert.match((await smtp('alice', OLD, `carol@${DOMAIN}`)).output, /535 5\.7\.8/);
    assert.ok((await sshPassword('alice', NEW)).ok);
    assert.equal((await sshPassword('alice', OLD)).ok, false);
    await (await xmpp('alice', NEW)).stop();
    await xmppRefused('alice', OLD);
  });

  test('a disabled account is refused everywhere, also with its SSH key', async () => {
    assert.ok((await imap('bob', OLD)).ok, 'bob works before');
    await (await xmpp('bob', OLD)).stop();
    await disableAccount(t.deps, CLI_ACTOR, ids['bob'] ?? '');
    await sync();
    assert.equal((await imap('bob', OLD)).ok, false);
    assert.match((await smtp('bob', OLD, `carol@${DOMAIN}`)).output, /535 5\.7\.8/);
    assert.equal((await sshPassword('bob', OLD)).ok, false);
    assert.equal((await sshKey('bob')).ok, false);
    await xmppRefused('bob', OLD);
    const toBob = await run('swaks', [
      '--server',
      `127.0.0.1:${stack.smtpPort}`,
      '--from',
      'someone@example.org',
      '--to',
      `bob@${DOMAIN}`,
    ]);
    assert.match(toBob.output, /550 5\.1\.1/, 'mail to a disabled account is refused');
  });
});

async function waitForMail(root: string, user: string): Promise<string> {
  const dir = join(root, 'home', user, 'Maildir', 'new');
  for (let i = 0; i < 100; i++) {
    const files = await readdir(dir).catch(() => []);
    if (files[0]) return readFile(join(dir, files[0]), 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail arrived for ${user}`);
}
