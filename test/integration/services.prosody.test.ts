import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseConfig } from '../../src/core/config/load.ts';
import { renderAll } from '../../src/services/index.ts';
import { prosodyHostDir } from '../../src/services/prosody/prosody.render.ts';
import { EXAMPLE_CONFIG } from '../support/app.ts';
import { makeTempDir, removeDir } from '../support/daemons.ts';
import { requireTool } from '../support/integration.ts';
import {
  requireProsody,
  xmppLogin,
  type XmlElement,
  type XmppSession,
} from '../support/prosody.ts';
import { startRenderedProsody, type RenderedProsody } from '../support/rendered-prosody.ts';

const exec = promisify(execFile);
const DOMAIN = 'chaostreff-osnabrueck.de';
const MUC = `conference.${DOMAIN}`;
const UPLOAD = `upload.${DOMAIN}`;
const PASSWORD = 'correct horse battery';
const skip = requireProsody() ?? requireTool('/usr/bin/find', 'GNU find (findutils)');
const skipFind = requireTool('/usr/bin/find', 'GNU find (findutils)');

/** The rendered files of the example declaration, with `edit` applied to its YAML. */
async function rendered(edit: (yaml: string) => string = (yaml) => yaml) {
  const yaml = edit(await readFile(EXAMPLE_CONFIG, 'utf8'));
  return renderAll(parseConfig(yaml, '/etc/treff/treff.yaml'));
}

function file(files: { path: string; content: string }[], path: string): string {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`nothing rendered at ${path}`);
  return found.content;
}

/** The cleaner's command from the rendered unit, pointed at `dataDir` instead of Prosody's. */
function cleanerCommand(unit: string, dataDir: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  if (!line) throw new Error('no ExecStart in the cleaner unit');
  return line.replaceAll('%%', '%').replace('/var/lib/prosody/', `${dataDir}/`).split(' ');
}

async function runCleaner(unit: string, dataDir: string): Promise<void> {
  const [command = '', ...args] = cleanerCommand(unit, dataDir);
  await exec(command, args);
}

/** An HTTP request to Prosody on loopback with the Host of `url` (fetch cannot set Host). */
function http(
  url: string,
  port: number,
  method: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `${target.pathname}${target.search}`,
        headers: {
          host: target.host,
          ...headers,
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Stanzas a session receives from now on, and a way to wait for one. */
function collect(session: XmppSession) {
  const stanzas: XmlElement[] = [];
  const waiters: { match: (s: XmlElement) => boolean; resolve: (s: XmlElement) => void }[] = [];
  session.onStanza((stanza) => {
    stanzas.push(stanza);
    for (const waiter of [...waiters]) {
      if (waiter.match(stanza)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(stanza);
      }
    }
  });
  const next = (match: (s: XmlElement) => boolean, timeoutMs = 10_000) =>
    new Promise<XmlElement>((resolve, reject) => {
      const found = stanzas.find(match);
      if (found) {
        resolve(found);
        return;
      }
      const timer = setTimeout(() => {
        reject(new Error('timed out waiting for a stanza'));
      }, timeoutMs);
      waiters.push({
        match,
        resolve: (stanza) => {
          clearTimeout(timer);
          resolve(stanza);
        },
      });
    });
  return { stanzas, next };
}

const isSubject = (stanza: XmlElement) =>
  stanza.is('message') &&
  stanza.attrs['type'] === 'groupchat' &&
  stanza.getChild('subject') !== undefined;

describe('the rendered Prosody config on the real Prosody', { skip }, () => {
  let prosody: RenderedProsody;
  let files: { path: string; content: string }[];
  const sessions: XmppSession[] = [];
  const login = async (username: string) => {
    const session = await xmppLogin({
      port: prosody.port,
      domain: DOMAIN,
      username,
      password: PASSWORD,
    });
    sessions.push(session);
    return session;
  };

  before(async () => {
    // The upload time to live shortened to 7 minutes for the test: the cleaner deletes at 1 minute.
    files = await rendered((yaml) => yaml.replace('expireAfter: PT24H', 'expireAfter: PT7M'));
    prosody = await startRenderedProsody(file(files, 'etc/prosody/prosody.cfg.lua'), {
      domain: DOMAIN,
      users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD, dave: PASSWORD },
    });
  });
  after(async () => {
    for (const session of sessions) await session.stop();
    await prosody?.stop();
  });

  test('a room member who joins after 15 messages gets exactly the last 10, even if the owner asks for 50', async () => {
    const room = `treff@${MUC}`;
    const alice = await login('alice');
    const a = collect(alice);
    const { xml } = alice;
    await alice.send(xml('presence'));
    await alice.send(
      xml(
        'presence',
        { to: `${room}/alice` },
        xml('x', { xmlns: 'http://jabber.org/protocol/muc' }),
      ),
    );
    await a.next((s) => s.is('presence') && s.attrs['from'] === `${room}/alice`);
    // The owner configures the new room and asks for a history of 50.
    await alice.iq(
      xml(
        'iq',
        { type: 'set', to: room },
        xml(
          'query',
          { xmlns: 'http://jabber.org/protocol/muc#owner' },
          xml(
            'x',
            { xmlns: 'jabber:x:data', type: 'submit' },
            xml(
              'field',
              { var: 'FORM_TYPE' },
              xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig'),
            ),
            xml('field', { var: 'muc#roomconfig_historylength' }, xml('value', {}, '50')),
          ),
        ),
      ),
    );
    for (let n = 1; n <= 15; n++) {
      await alice.send(
        xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `message ${n}`)),
      );
      await a.next((s) => s.is('message') && s.getChildText('body') === `message ${n}`);
    }
    const history = async (name: string, historyElement?: XmlElement) => {
      const session = await login(name);
      const c = collect(session);
      await session.send(session.xml('presence'));
      await session.send(
        session.xml(
          'presence',
          { to: `${room}/${name}` },
          session.xml(
            'x',
            { xmlns: 'http://jabber.org/protocol/muc' },
            ...(historyElement ? [historyElement] : []),
          ),
        ),
      );
      await c.next(isSubject);
      return c.stanzas
        .filter(
          (s) => s.is('message') && s.getChild('delay', 'urn:xmpp:delay') && s.getChildText('body'),
        )
        .map((s) => s.getChildText('body'));
    };
    const expected = Array.from({ length: 10 }, (_, i) => `message ${i + 6}`);
    assert.deepEqual(await history('bob'), expected);
    assert.deepEqual(await history('carol', xml('history', { maxstanzas: '100' })), expected);
  });

  test('a message to an offline user is refused and not stored', async () => {
    const alice = sessions[0] ?? (await login('alice'));
    const a = collect(alice);
    await alice.send(
      alice.xml(
        'message',
        { to: `dave@${DOMAIN}`, type: 'chat', id: 'offline-1' },
        alice.xml('body', {}, 'are you there?'),
      ),
    );
    const bounce = await a.next((s) => s.is('message') && s.attrs['id'] === 'offline-1');
    assert.equal(bounce.attrs['type'], 'error');
    assert.ok(
      bounce
        .getChild('error')
        ?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    );
    const dave = await login('dave');
    const d = collect(dave);
    await dave.send(dave.xml('presence'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      d.stanzas.filter((s) => s.is('message') && s.getChildText('body')),
      [],
    );
    const host = await readdir(join(prosody.dataDir, prosodyHostDir(DOMAIN)));
    assert.ok(!host.includes('offline') && !host.includes('archive'), host.join(', '));
  });

  test('an uploaded file is gone once it is older than its (test-shortened) time to live', async () => {
    const alice = sessions[0] ?? (await login('alice'));
    const content = Buffer.from('a long message that went to the upload store\n');
    const answer = await alice.iq(
      alice.xml(
        'iq',
        { type: 'get', to: UPLOAD },
        alice.xml('request', {
          xmlns: 'urn:xmpp:http:upload:0',
          filename: 'note.txt',
          size: String(content.length),
          'content-type': 'text/plain',
        }),
      ),
    );
    const slot = answer.getChild('slot', 'urn:xmpp:http:upload:0');
    const put = slot?.getChild('put');
    const get = slot?.getChild('get')?.attrs['url'];
    assert.ok(put && get);
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    for (const child of put.children) {
      if (typeof child !== 'string' && child.is('header'))
        headers[child.attrs['name'] ?? ''] = String(child.children[0]);
    }
    assert.equal(
      (await http(put.attrs['url'] ?? '', prosody.httpPort, 'PUT', headers, content)).status,
      201,
    );
    assert.deepEqual(await http(get, prosody.httpPort, 'GET'), {
      status: 200,
      body: content.toString(),
    });

    const unit = file(files, 'etc/systemd/system/treff-upload-expiry.service');
    assert.match(unit, /-mmin \+1 -delete/);
    await runCleaner(unit, prosody.dataDir);
    assert.equal((await http(get, prosody.httpPort, 'GET')).status, 200, 'a fresh file stays');

    const store = join(prosody.dataDir, prosodyHostDir(UPLOAD), 'http_file_share');
    const blobs = (await readdir(store)).filter((name) => name.endsWith('.bin'));
    assert.equal(blobs.length, 1);
    const ttlAgo = new Date(Date.now() - 7 * 60_000);
    await utimes(join(store, blobs[0] ?? ''), ttlAgo, ttlAgo);
    await runCleaner(unit, prosody.dataDir);
    assert.equal((await http(get, prosody.httpPort, 'GET')).status, 410);
    assert.deepEqual(await readdir(store), []);
  });

  test('the log holds logins and logouts at info, no debug lines and no client address', () => {
    const log = prosody.log();
    assert.match(log, /info\s+Authenticated as alice@chaostreff-osnabrueck\.de/);
    assert.match(log, /info\s+Client disconnected|info\s+Client connected/);
    assert.doesNotMatch(log, /\sdebug\s/);
    const withAddress = log.split('\n').filter((line) => line.includes('127.0.0.1'));
    assert.ok(
      withAddress.every((line) => /Activated service/.test(line)),
      withAddress.join('\n'),
    );
  });
});

describe('the rendered upload cleaner with the declared 24 hours', { skip: skipFind }, () => {
  test('keeps a file of 23 h 50 min and deletes one of 24 h', async () => {
    const files = await rendered();
    const unit = file(files, 'etc/systemd/system/treff-upload-expiry.service');
    const data = await makeTempDir('treff-upload-cleaner');
    try {
      const store = join(data, prosodyHostDir(UPLOAD), 'http_file_share');
      await mkdir(store, { recursive: true });
      const now = Date.now();
      for (const [name, minutes] of [
        ['young.bin', 23 * 60 + 50],
        ['expired.bin', 24 * 60],
      ] as const) {
        await writeFile(join(store, name), name);
        const when = new Date(now - minutes * 60_000);
        await utimes(join(store, name), when, when);
      }
      await runCleaner(unit, data);
      assert.deepEqual(await readdir(store), ['young.bin']);
    } finally {
      await removeDir(data);
    }
  });
});
