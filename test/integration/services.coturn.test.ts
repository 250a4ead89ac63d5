import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config/load.ts';
import { renderTurnserverConf } from '../../src/services/coturn/coturn.render.ts';
import { EXAMPLE_CONFIG } from '../support/app.ts';
import { startCoturn, stunRequest, TURNSERVER, type Coturn } from '../support/coturn.ts';
import { requireTool } from '../support/integration.ts';

const skip =
  requireTool(TURNSERVER, 'coturn (Debian package "coturn")') ??
  requireTool('/usr/bin/unshare', 'unshare (util-linux)') ??
  (process.getuid?.() === 0 ? undefined : 'needs root (mount and PID namespaces)');

async function rendered(): Promise<string> {
  const yaml = await readFile(EXAMPLE_CONFIG, 'utf8');
  return renderTurnserverConf(parseConfig(yaml, '/etc/treff/treff.yaml'));
}

/** Opens a TCP connection, sends bytes that are not STUN and closes it (a socket error path). */
async function garbage(port: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end(Buffer.from('GET / HTTP/1.0\r\n\r\n\u0000\u0001garbage'));
    });
    socket.on('close', () => {
      resolve();
    });
    socket.on('error', () => {
      resolve();
    });
  });
}

describe('coturn with the rendered turnserver.conf', { skip }, () => {
  let coturn: Coturn;
  before(async () => {
    coturn = await startCoturn(await rendered());
  });
  after(async () => {
    await coturn?.remove();
  });

  test('answers a STUN binding request with the client’s address', async () => {
    const answer = await stunRequest(coturn.port, 0x0001);
    assert.equal(answer.type, 0x0101, 'Binding Success Response');
    assert.deepEqual(answer.mapped, { address: '127.0.0.1', port: answer.localPort });
  });

  test('relays nothing: a TURN allocation is not granted', async () => {
    const answer = await stunRequest(coturn.port, 0x0003, 1500).catch(() => null);
    assert.notEqual(answer?.type, 0x0103, 'no Allocate Success Response');
  });

  test('writes no log file anywhere and prints no client address', async () => {
    await garbage(coturn.port);
    for (let i = 0; i < 5; i++) await stunRequest(coturn.port, 0x0001);
    await coturn.stop();
    assert.deepEqual(await coturn.files(), []);
    assert.doesNotMatch(coturn.output(), /\d+\.\d+\.\d+\.\d+/);
  });
});

describe(
  'coturn with log-file=/dev/null but without simple-log (the pitfall the render avoids)',
  { skip },
  () => {
    test('falls back to a log file in a temp directory', async () => {
      const text = (await rendered()).replace('simple-log\n', '');
      const coturn = await startCoturn(text);
      try {
        await stunRequest(coturn.port, 0x0001);
        const files = await coturn.files();
        assert.equal(files.length, 1, files.join(', '));
        assert.match(
          files[0] ?? '',
          /^\/(var\/log|var\/tmp|tmp)\/turn_\d+_\d{4}-\d{2}-\d{2}\.log$/,
        );
      } finally {
        await coturn.stop();
      }
    });
  },
);
