import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startScheduler } from './jobs.ts';
import { silentLogger } from './log.ts';

test('runs each task at its interval, never overlapping itself, and survives a failing run', async () => {
  const runs: string[] = [];
  let running = 0;
  let overlapped = false;
  const stop = startScheduler(
    [
      {
        name: 'slow',
        intervalMs: 5,
        run: async () => {
          running++;
          if (running > 1) overlapped = true;
          runs.push('slow');
          await new Promise((resolve) => setTimeout(resolve, 30));
          running--;
        },
      },
      {
        name: 'failing',
        intervalMs: 10,
        run: () => {
          runs.push('failing');
          return Promise.reject(new Error('boom'));
        },
      },
    ],
    { log: silentLogger(), firstDelayMs: 0, staggerMs: 0 },
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  stop();
  const count = runs.length;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(overlapped, false);
  assert.ok(runs.filter((name) => name === 'slow').length >= 2);
  assert.ok(
    runs.filter((name) => name === 'failing').length >= 3,
    'a failure does not stop the task',
  );
  assert.equal(runs.length, count, 'nothing runs after stop()');
});
