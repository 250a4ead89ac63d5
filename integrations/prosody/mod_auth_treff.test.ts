import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '../../test/support/daemons.ts';
import {
  luaString,
  requireProsody,
  startProsody,
  xmppLogin,
  type Prosody,
  type XmlElement,
  type XmppError,
  type XmppSession,
} from '../../test/support/prosody.ts';

/*
 * mod_auth_treff against the real Prosody 0.12. A small HTTP server in this process stands in
 * for treff's /internal/xmpp/auth: it checks the bearer secret and the JSON, accepts the
 * passwords below and answers a wrong one with 401 after a deliberate second, as treff does.
 */

const skip = requireProsody();

const DOMAIN = 'treff.test';
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
const AUTH_PATH = '/internal/xmpp/auth';
const HANG_PATH = '/hang';
const FAILURE_DELAY_MS = 1000;

/** What treff accepts. carol is missing from the users file on purpose. */
const PASSWORDS = new Map([
  ['alice', 'correct horse battery'],
  ['bob', 'bob also has a password'],
  ['carol', 'carol is not in the users file'],
]);
/** Users for which the stand-in answers 200, but not with {"ok": true}, or a 5xx. */
const ODD_ANSWERS = new Map<string, (response: ServerResponse) => void>([
  [
    'eve',
    (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
  ],
  [
    'frank',
    (response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":"true"}');
    },
  ],
  [
    'grace',
    (response) => {
      response.writeHead(500).end();
    },
  ],
]);

/** Every request the stand-in received (the password only as "was it right"). */
interface Seen {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  keys: string[];
  username: unknown;
  host: unknown;
  passwordRight: boolean;
  status: number | 'no answer';
}
const seen: Seen[] = [];
const timers = new Set<NodeJS.Timeout>();

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

async function treffStandIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fields =
    parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const record: Seen = {
    path: request.url ?? '',
    authorization: request.headers.authorization,
    contentType: request.headers['content-type'],
    keys: Object.keys(fields).sort(),
    username: fields['username'],
    host: fields['host'],
    passwordRight:
      typeof fields['username'] === 'string' &&
      PASSWORDS.get(fields['username']) === fields['password'],
    status: 'no answer',
  };
  seen.push(record);
  const answer = (status: number, json?: unknown): void => {
    record.status = status;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(json === undefined ? undefined : JSON.stringify(json));
  };

  const decision = decide(request.method, fields, record);
  if (decision === 'hang') return; // never answers
  if (decision === 'odd') {
    record.status = 200;
    ODD_ANSWERS.get(String(fields['username']))?.(response);
  } else if (decision === 'delayed 401') {
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(401, { ok: false });
    }, FAILURE_DELAY_MS);
    timers.add(timer);
  } else {
    answer(decision, decision === 200 ? { ok: true } : undefined);
  }
}

/** What the stand-in answers: a status, an odd answer, a 401 after the delay, or nothing. */
function decide(
  method: string | undefined,
  fields: Record<string, unknown>,
  record: Seen,
): number | 'odd' | 'delayed 401' | 'hang' {
  if (record.path === HANG_PATH) return 'hang';
  if (record.path !== AUTH_PATH || method !== 'POST') return 404;
  if (record.authorization !== `Bearer ${SECRET}`) return 403;
  if (!record.contentType?.startsWith('application/json')) return 415;
  const { username, host, password } = fields;
  if (
    record.keys.join(',') !== 'host,password,username' ||
    typeof username !== 'string' ||
    typeof host !== 'string' ||
    typeof password !== 'string'
  ) {
    return 400;
  }
  if (ODD_ANSWERS.has(username)) return 'odd';
  return record.passwordRight ? 200 : 'delayed 401';
}

let endpoint: Server | undefined;
let prosody: Prosody | undefined;
const sessions: XmppSession[] = [];

/** A VirtualHost using mod_auth_treff with the given URL and secret file. */
function authHost(domain: string, url: string, secretFile: string, extra = ''): string {
  return `
VirtualHost ${luaString(domain)}
  authentication = "treff"
  treff_auth_url = ${luaString(url)}
  treff_auth_secret_file = ${luaString(secretFile)}
  treff_users_file = "xmpp-users"
${extra}`;
}

before(async () => {
  if (skip) return;
  endpoint = createServer((request, response) => {
    treffStandIn(request, response).catch((error: unknown) => {
      response.destroy(error as Error);
    });
  });
  endpoint.listen(0, '127.0.0.1');
  await once(endpoint, 'listening');
  const base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  const closedPort = await freePort(); // nothing listens there

  prosody = await startProsody({
    domain: DOMAIN,
    // mod_offline (autoloaded anyway) makes user_exists observable: a message to an offline
    // user who exists is stored, one to a user who does not exist bounces.
    modules: ['offline'],
    files: {
      'auth.secret': `${SECRET}\n`,
      'wrong.secret': 'not-the-secret\n',
      'xmpp-users': 'alice\nbob\n',
    },
    hostConfig: `  authentication = "treff"
  treff_auth_url = ${luaString(base + AUTH_PATH)}
  treff_auth_secret_file = "auth.secret"
  treff_users_file = "xmpp-users"`,
    extraConfig: [
      authHost('wrongsecret.test', base + AUTH_PATH, 'wrong.secret'),
      authHost('nosecret.test', base + AUTH_PATH, 'missing.secret'),
      authHost('down.test', `http://127.0.0.1:${closedPort}${AUTH_PATH}`, 'auth.secret'),
      authHost('slow.test', base + HANG_PATH, 'auth.secret', '  treff_auth_timeout = 1'),
    ].join('\n'),
  });
});

after(async () => {
  await Promise.all(sessions.map((session) => session.stop()));
  await prosody?.stop();
  for (const timer of timers) clearTimeout(timer);
  if (endpoint) {
    endpoint.closeAllConnections();
    endpoint.close();
  }
});

async function login(username: string, password: string, domain = DOMAIN): Promise<XmppSession> {
  assert.ok(prosody);
  const session = await xmppLogin({ port: prosody.port, domain, username, password });
  sessions.push(session);
  return session;
}

/** Attempts a login that must fail; returns the XMPP error condition and how long it took. */
async function failedLogin(
  username: string,
  password: string,
  domain = DOMAIN,
): Promise<{ condition: string | undefined; ms: number }> {
  const started = performance.now();
  try {
    await login(username, password, domain);
  } catch (error) {
    return { condition: (error as XmppError).condition, ms: performance.now() - started };
  }
  assert.fail(`${username}@${domain} logged in, but must not`);
}

function lastRequestFor(username: string, host = DOMAIN): Seen | undefined {
  return seen.findLast((request) => request.username === username && request.host === host);
}

test('alice logs in with the right password, is online and answers a ping', { skip }, async () => {
  const alice = await login('alice', 'correct horse battery');
  assert.match(alice.jid, /^alice@treff\.test\/.+/);
  assert.ok((await alice.ping()) < 1000, 'the server answers her ping');

  const request = lastRequestFor('alice');
  assert.ok(request, 'Prosody asked the endpoint');
  assert.equal(request.authorization, `Bearer ${SECRET}`);
  assert.equal(request.contentType, 'application/json');
  assert.deepEqual(request.keys, ['host', 'password', 'username']);
  assert.equal(request.passwordRight, true);
  assert.equal(request.status, 200);

  // XEP-0199 between clients: bob's ping to alice's full JID is answered by her client.
  const bob = await login('bob', 'bob also has a password');
  assert.ok((await bob.ping(alice.jid)) < 1000);
});

test('a wrong password fails with not-authorized, after treff’s delay', { skip }, async () => {
  const { condition, ms } = await failedLogin('alice', 'Correct Horse Battery');
  assert.equal(condition, 'not-authorized');
  assert.ok(ms >= FAILURE_DELAY_MS, `the answer waited for treff (${Math.round(ms)} ms)`);
  assert.equal(lastRequestFor('alice')?.status, 401);
});

test(
  'users missing from the users file are still checked by treff, which decides',
  { skip },
  async () => {
    // No early "no" for names that are not in the file: that would answer faster and tell which
    // members exist. treff is authoritative; the file is a projection that may lag behind.
    const carol = await login('carol', 'carol is not in the users file');
    assert.match(carol.jid, /^carol@treff\.test\//);

    const { condition, ms } = await failedLogin('mallory', 'guess');
    assert.equal(condition, 'not-authorized');
    assert.equal(lastRequestFor('mallory')?.status, 401, 'treff was asked about mallory');
    assert.ok(ms >= FAILURE_DELAY_MS, `as slow as a wrong password (${Math.round(ms)} ms)`);
  },
);

test('a wrong secret fails: treff answers 403', { skip }, async () => {
  const { condition } = await failedLogin('alice', 'correct horse battery', 'wrongsecret.test');
  assert.equal(condition, 'not-authorized');
  const request = lastRequestFor('alice', 'wrongsecret.test');
  assert.equal(request?.status, 403);
  assert.equal(request.authorization, 'Bearer not-the-secret');
  assert.match((await prosody?.log()) ?? '', /refused our secret \(HTTP 403\)/);
});

test(
  'without a usable secret file every login fails, until the file is there',
  { skip },
  async () => {
    assert.ok(prosody);
    const { condition } = await failedLogin('alice', 'correct horse battery', 'nosecret.test');
    assert.equal(condition, 'not-authorized');
    assert.equal(lastRequestFor('alice', 'nosecret.test'), undefined, 'nothing was sent');
    assert.match(await prosody.log(), /No usable treff_auth_secret_file/);

    // The file is read again when it appears: no restart needed.
    await writeFile(join(prosody.dir, 'missing.secret'), `${SECRET}\n`);
    const alice = await login('alice', 'correct horse battery', 'nosecret.test');
    assert.match(alice.jid, /^alice@nosecret\.test\//);
  },
);

test('treff’s endpoint down: the login fails at once, without hanging', { skip }, async () => {
  const { condition, ms } = await failedLogin('alice', 'correct horse battery', 'down.test');
  assert.equal(condition, 'not-authorized');
  assert.ok(ms < 3000, `failed in ${Math.round(ms)} ms`);
  assert.match((await prosody?.log()) ?? '', /down\.test:auth_treff\twarn\tCannot reach/);
});

test(
  'no answer within treff_auth_timeout: the login fails after the timeout',
  { skip },
  async () => {
    const { condition, ms } = await failedLogin('alice', 'correct horse battery', 'slow.test');
    assert.equal(condition, 'not-authorized');
    assert.equal(seen.findLast((request) => request.host === 'slow.test')?.status, 'no answer');
    assert.ok(ms >= 900 && ms < 5000, `gave up after ${Math.round(ms)} ms (timeout 1 s)`);
  },
);

test('HTTP 200 without {"ok": true}, and 5xx, are failures', { skip }, async () => {
  for (const username of ODD_ANSWERS.keys()) {
    const { condition } = await failedLogin(username, 'whatever');
    assert.equal(condition, 'not-authorized', username);
    assert.ok(lastRequestFor(username), `treff was asked about ${username}`);
  }
});

test('a failing login does not stall other sessions (ping every 100 ms)', { skip }, async (t) => {
  const bob = await login('bob', 'bob also has a password', DOMAIN);
  await bob.ping(); // warm up

  const pings: Promise<{ sent: number; rtt: number }>[] = [];
  const pinger = setInterval(() => {
    const sent = performance.now();
    pings.push(bob.ping().then((rtt) => ({ sent, rtt })));
  }, 100);
  let loginStart = 0;
  let loginEnd = 0;
  try {
    await sleep(250);
    loginStart = performance.now();
    const { condition } = await failedLogin('alice', 'wrong password');
    loginEnd = performance.now();
    assert.equal(condition, 'not-authorized');
    await sleep(250);
  } finally {
    clearInterval(pinger);
  }
  const results = await Promise.all(pings);
  const during = results.filter(({ sent }) => sent >= loginStart && sent <= loginEnd);
  const rtts = results.map(({ rtt }) => rtt).sort((a, b) => a - b);
  const worst = rtts.at(-1) ?? Infinity;
  const worstDuring = Math.max(...during.map(({ rtt }) => rtt));
  const median = rtts[Math.floor(rtts.length / 2)] ?? Infinity;
  const figures =
    `failed login took ${(loginEnd - loginStart).toFixed(0)} ms; bob sent ${results.length} ` +
    `pings (${during.length} during the login): min ${(rtts[0] ?? Infinity).toFixed(2)} ms, ` +
    `median ${median.toFixed(2)} ms, worst ${worst.toFixed(2)} ms ` +
    `(worst during the login ${worstDuring.toFixed(2)} ms)`;
  t.diagnostic(`mod_auth_treff: ${figures}`);

  assert.ok(loginEnd - loginStart >= FAILURE_DELAY_MS, 'the login waited for treff');
  assert.ok(during.length >= 8, `pings kept going during the login (${during.length})`);
  assert.ok(worst < 100, `worst ping round trip ${worst.toFixed(2)} ms must stay under 100 ms`);
});

test('the users file is re-read when it changes, without a restart', { skip }, async () => {
  assert.ok(prosody);
  const alice = await login('alice', 'correct horse battery');
  const bounced = new Set<string>();
  alice.onStanza((stanza: XmlElement) => {
    if (stanza.is('message') && stanza.attrs['type'] === 'error' && stanza.attrs['id']) {
      bounced.add(stanza.attrs['id']);
    }
  });
  /** Whether a message to `user` bounces (user_exists false) or is kept offline (true). */
  const exists = async (user: string): Promise<boolean> => {
    const id = `probe-${randomBytes(6).toString('hex')}`;
    const { xml } = alice;
    await alice.send(
      xml('message', { type: 'chat', to: `${user}@${DOMAIN}`, id }, xml('body', {}, 'hello')),
    );
    // Prosody handles one session's stanzas in order: a bounce arrives before this answer.
    await alice.ping();
    return !bounced.has(id);
  };
  const listed = async (): Promise<string> => {
    const { ok, output } = await prosody!.shell(`user:list(${luaString(DOMAIN)})`);
    assert.ok(ok, output);
    return output;
  };

  assert.equal(await exists('bob'), true);
  assert.equal(await exists('dave'), false);
  assert.doesNotMatch(await listed(), /dave@treff\.test/);

  // As treff writes it: a temporary file renamed over the old one.
  const usersFile = join(prosody.dir, 'xmpp-users');
  await writeFile(`${usersFile}.tmp`, 'alice\nbob\ndave\n');
  await rename(`${usersFile}.tmp`, usersFile);

  assert.equal(await exists('dave'), true);
  const output = await listed();
  for (const user of ['alice', 'bob', 'dave'])
    assert.match(output, new RegExp(`${user}@treff\\.test`));
  assert.match(output, /Showing all 3 users/);
});

test('accounts cannot be created, changed or deleted through Prosody', { skip }, async () => {
  assert.ok(prosody);
  for (const command of [
    `user:create("zoe@${DOMAIN}", "a password")`,
    `user:password("alice@${DOMAIN}", "new password")`,
    `user:delete("alice@${DOMAIN}")`,
  ]) {
    const { ok, output } = await prosody.shell(command);
    assert.equal(ok, false, command);
    assert.match(output, /Accounts are managed by treff/, command);
  }
});

test('a client that leaves while treff is still deciding does no harm', { skip }, async () => {
  assert.ok(prosody);
  // A raw stream: xmpp.js cannot be stopped in the middle of SASL.
  const socket = connect({ host: '127.0.0.1', port: prosody.port });
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  await once(socket, 'connect');
  socket.write(
    `<?xml version='1.0'?><stream:stream to='${DOMAIN}' version='1.0' xmlns='jabber:client' ` +
      `xmlns:stream='http://etherx.jabber.org/streams'>`,
  );
  await waitFor('stream features', () => (received.includes('PLAIN') ? true : undefined));
  const asked = seen.length;
  const payload = Buffer.from('\0alice\0not her password').toString('base64');
  socket.write(
    `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${payload}</auth>`,
  );
  await waitFor('the request to treff', () => (seen.length > asked ? true : undefined));
  socket.destroy();

  await sleep(FAILURE_DELAY_MS + 200); // treff answers the abandoned login meanwhile
  assert.equal(seen.at(-1)?.status, 401);
  const alice = await login('alice', 'correct horse battery');
  assert.ok((await alice.ping()) < 1000, 'Prosody still serves');
});

test('the log names users, but never a password or the secret', { skip }, async () => {
  const log = (await prosody?.log()) ?? '';
  assert.doesNotMatch(log, /Traceback/);
  // The only errors are the expected ones about the missing secret file.
  const errors = log.split('\n').filter((line) => line.includes('\terror\t'));
  assert.ok(errors.length > 0);
  for (const line of errors) assert.match(line, /nosecret\.test:auth_treff\terror\t/);
  assert.match(log, /auth_treff\tdebug\tAuthentication failed for user "alice": rejected by treff/);
  const tried = ['Correct Horse Battery', 'wrong password', 'not her password'];
  for (const secret of [SECRET, ...PASSWORDS.values(), ...tried]) {
    assert.equal(log.includes(secret), false, 'a secret is in the log');
    const plain = Buffer.from(`\0alice\0${secret}`).toString('base64');
    assert.equal(log.includes(plain), false, 'a SASL PLAIN payload is in the log');
  }
});
