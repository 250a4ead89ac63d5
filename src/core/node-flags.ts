/**
 * The Node flags the treff server runs with, wherever it is started: the `treff` executable's
 * shebang (src/main.ts, which cannot import this and is checked against it by a test), `npm
 * start`, the generated systemd unit and the benchmarks.
 *
 * - `--max-semi-space-size=1`: 1 MiB young-generation semi-spaces instead of 16 MiB; the server's
 *   short-lived garbage is small, and the heap V8 keeps after a burst of requests stays small.
 * - `--v8-pool-size=1`: one V8 worker thread for background compilation and GC instead of four;
 *   a club's VServer has one or two cores, and each idle worker costs about 1.5 MiB.
 * Both were chosen by bench/registry.ts and bench/wkd.ts: same latencies and WKD rate within the
 * runs' noise, 20 to 35 MiB less resident memory (README, "Benchmarks").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1'];
