/** Helpers shared by the benchmark scripts (run by hand, never by `npm test`). */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SERVER_NODE_FLAGS } from '../src/core/node-flags.ts';
import { ROOT } from '../test/support/app.ts';

export { freePort } from '../test/support/daemons.ts';

/**
 * Starts `node FLAGS dist/main.js serve ARGS` as its own process and resolves once it listens.
 * FLAGS are the `treff` executable's, or BENCH_NODE_OPTIONS ('' for Node's defaults). The
 * server logs only warnings; its stdout is drained, its stderr goes to the benchmark's.
 */
export async function startTreff(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcessByStdio<null, Readable, null>> {
  const flags = (process.env['BENCH_NODE_OPTIONS'] ?? SERVER_NODE_FLAGS.join(' '))
    .split(' ')
    .filter(Boolean);
  console.log(`server: node ${flags.join(' ')} dist/main.js serve`);
  const server = spawn(
    process.execPath,
    [...flags, join(ROOT, 'dist', 'main.js'), 'serve', ...args],
    {
      env: { ...env, TREFF_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listens on')) resolve();
    });
    server.once('exit', (code) => {
      reject(new Error(`server exited with ${code}`));
    });
  });
  return server;
}

/** The nearest-rank percentile `p` (0–100) of an ascending list; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50, p95 and p99 of millisecond samples in one line. */
export function latencySummary(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `p50 ${f(percentile(sorted, 50))}, p95 ${f(percentile(sorted, 95))}, p99 ${f(percentile(sorted, 99))} (n=${sorted.length})`;
}
