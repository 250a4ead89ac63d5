import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SERVER_NODE_FLAGS } from '../../src/core/node-flags.ts';
import { wkdHash } from '../../src/keys/zbase32.ts';
import { EXAMPLE_CONFIG, ROOT } from '../support/app.ts';
import { freePort } from '../support/daemons.ts';
import { loginOverHttp } from '../support/client.ts';
import { requireTool } from '../support/integration.ts';

// The built `treff` executable (`npm run build`: one esbuild bundle with chunks for what is
// loaded on first use), run as the package, `npm start` and the systemd unit run it.
const MAIN = join(ROOT, 'dist', 'main.js');
const skip = requireTool(MAIN, 'the build (run `npm run build`)', constants.R_OK);
const exec = promisify(execFile);

let dir = '';
let server: ChildProcess | undefined;
let base = '';
const board = { username: 'vorstand', password: '' };

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'treff-bundle-'));
  const port = await freePort();
  const file = join(dir, 'treff.yaml');
  await writeFile(
    file,
    (await readFile(EXAMPLE_CONFIG, 'utf8')).replace('port: 8080', `port: ${port}`),
  );
  const init = await exec(process.execPath, [MAIN, 'init', '--demo', '--config', file]);
  board.password = /demo board login: vorstand \/ (\S+)/.exec(init.stdout)?.[1] ?? '';
  server = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      MAIN,
      'demo',
      '--config',
      file,
      '--internal-port',
      String(await freePort()),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TREFF_LOG_LEVEL: 'warn' } },
  );
  const running = server;
  await new Promise<void>((resolve, reject) => {
    running.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listens on')) resolve();
    });
    running.once('exit', (code) => {
      reject(new Error(`dist/main.js demo exited with ${code}`));
    });
  });
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the built command prints help and exits non-zero with a reason', { skip }, async () => {
  const help = await exec(process.execPath, [MAIN, 'members', '--help']);
  assert.match(help.stdout, /import \[options\] <file>/);
  await assert.rejects(
    exec(process.execPath, [MAIN, 'config', 'check', '/nonexistent.yaml']),
    (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.equal(error.stderr, 'treff: Cannot read /nonexistent.yaml: file not found\n');
      return true;
    },
  );
  const check = await exec(process.execPath, [MAIN, 'config', 'check', EXAMPLE_CONFIG]);
  assert.match(check.stdout, /: ok \(\d+ processing activities\)\n$/);
});

test('the built server serves the public pages without a cookie', { skip }, async () => {
  for (const path of ['/', '/login', '/datenschutz', '/?lang=en']) {
    const response = await fetch(`${base}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('set-cookie'), null, path);
    assert.match(await response.text(), /Chaostreff Osnabrück/, path);
  }
  const css = await fetch(`${base}/assets/pico.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  assert.match(await css.text(), /Pico CSS/);
});

test('the built server logs the board in and lists the demo members', { skip }, async () => {
  const cookie = await loginOverHttp(base, board.username, board.password);
  const list = await fetch(`${base}/admin/members`, { headers: { cookie } });
  assert.equal(list.status, 200);
  // The demo's fictional members, their fees as money and dates in German.
  const html = await list.text();
  assert.match(html, /<td>[^<]+<\/td>/);
  assert.match(html, /\d{2}\.\d{2}\.\d{4}/);
});

test('the built server loads OpenPGP.js from its chunk for the WKD', { skip }, async () => {
  // The club's signing key, made on first use with OpenPGP.js (a chunk loaded by import()).
  const response = await fetch(`${base}/.well-known/openpgpkey/hu/${wkdHash('transparency')}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/octet-stream');
  const key = new Uint8Array(await response.arrayBuffer());
  assert.ok(key.length > 100, 'a binary key');
});
