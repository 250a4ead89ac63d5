import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../test/support/app.ts';
import { freePort, waitFor } from '../test/support/daemons.ts';
import { runCli, type CliIO } from './cli.ts';

// The server logs to stderr, as in production; the test reads what reaches it.
async function serveOnce(
  command: 'serve' | 'demo',
  config: string,
  level: string,
): Promise<{ log: string; out: string }> {
  const port = await freePort();
  const internalPort = await freePort();
  let out = '';
  let log = '';
  const io: CliIO = {
    out: (text) => (out += text),
    err: (text) => (out += text),
    readStdin: () => Promise.resolve(''),
    runtimeOptions: { hasher: testHasher, accountHasher: testAccountHasher },
  };
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    log += chunk.toString();
    return true;
  };
  process.env['TREFF_LOG_LEVEL'] = level;
  try {
    const running = runCli(
      [
        command,
        '--config',
        config,
        '--port',
        String(port),
        '--internal-port',
        String(internalPort),
      ],
      io,
    );
    await waitFor('the server to listen', () => (out.includes('listens on') ? true : undefined), {
      timeoutMs: 60_000,
    });
    assert.equal((await fetch(`http://127.0.0.1:${port}/datenschutz`)).status, 200);
    process.emit('SIGINT');
    assert.equal(await running, 0, out);
  } finally {
    process.stderr.write = write;
    delete process.env['TREFF_LOG_LEVEL'];
  }
  return { log, out };
}

describe('TREFF_LOG_LEVEL', () => {
  let dir: string;
  let config: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treff-log-level-'));
    config = join(dir, 'treff.yaml');
    await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
    process.env['TREFF_DATABASE_URL'] = `sqlite:${join(dir, 'treff.db')}`;
  });
  afterEach(async () => {
    delete process.env['TREFF_DATABASE_URL'];
    await rm(dir, { recursive: true, force: true });
  });

  test('serve and demo log requests at info and stay quiet at warn', async () => {
    for (const command of ['serve', 'demo'] as const) {
      const info = await serveOnce(command, config, 'info');
      assert.match(info.log, /"route":"\/datenschutz","status":200/, command);
      const warn = await serveOnce(command, config, 'warn');
      assert.doesNotMatch(warn.log, /"msg":"request"/, command);
    }
  });

  test('an unknown level ends with a reason naming the variable', async () => {
    let err = '';
    process.env['TREFF_LOG_LEVEL'] = 'loud';
    try {
      const code = await runCli(['serve', '--config', config], {
        out: () => undefined,
        err: (text) => (err += text),
        readStdin: () => Promise.resolve(''),
      });
      assert.equal(code, 1);
    } finally {
      delete process.env['TREFF_LOG_LEVEL'];
    }
    assert.equal(
      err,
      'treff: TREFF_LOG_LEVEL is not a log level.\n  TREFF_LOG_LEVEL: expected one of: fatal, error, warn, info, debug, trace, silent\n',
    );
  });
});
