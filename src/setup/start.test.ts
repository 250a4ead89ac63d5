import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../core/i18n/index.ts';
import { SetupError, type SetupContext } from './context.ts';
import type { CommandSpec } from './runner.ts';
import { setupMessages } from './setup.messages.ts';
import { enableAndStart } from './start.ts';
import { Target } from './target.ts';

test('a daemon that cannot be enabled keeps none of the others from being enabled; setup fails naming it', async () => {
  const ran: string[] = [];
  const context: SetupContext = {
    target: new Target('/nonexistent-root'),
    runner: {
      run: (spec: CommandSpec) => {
        const line = spec.argv.join(' ');
        if (spec.readOnly) return Promise.resolve({ code: 0, stdout: 'disabled\n', stderr: '' });
        ran.push(line);
        const failed = line.includes('enable dovecot.service');
        const stderr = failed ? 'dovecot: bad config' : '';
        return Promise.resolve({ code: failed ? 1 : 0, stdout: '', stderr });
      },
    },
    tools: { run: () => Promise.resolve({ code: 0, stdout: '', stderr: '' }) },
    dryRun: false,
    force: false,
    t: translator('en', setupMessages),
    out: () => undefined,
    stamp: '20260101T000000Z',
    written: [],
    backups: [],
  };
  const started = enableAndStart(context, {
    installed: new Set(['nginx', 'dovecot-core', 'prosody', 'openssh-server']),
    treffUnits: ['treff.service'],
    changed: [],
    start: true,
    restartTreff: false,
  });
  await assert.rejects(started, (error) => {
    assert.ok(error instanceof SetupError);
    assert.match(error.message, /dovecot\.service/);
    assert.match(error.message, /bad config/);
    return true;
  });
  const enabled = ran.map((line) => line.split(' ').pop());
  assert.deepEqual(enabled, [
    'nginx.service',
    'dovecot.service',
    'prosody.service',
    'ssh.service',
    'treff.service',
  ]);
});
