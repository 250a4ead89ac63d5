/**
 * Idle memory benchmark (issue 15 item 2), run by hand and by `npm run bench`:
 *
 *   npm run build && node --import tsx bench/memory.ts [--start-wait 60] [--load-wait 30]
 *     [--members 10000] [--payments 100000] [--requests 400] [--only example|members]
 *     [--dist DIR]
 *
 * Two servers, one after the other, each started as `node FLAGS dist/main.js` with the `treff`
 * executable's flags (bench/support.ts), beside a bare `node -e 'setInterval(()=>{},1e9)'`
 * started at the same moment (the peer):
 * 1. the example club: `treff init --demo` on the example declaration (SQLite, the demo board
 *    and members), then `treff demo`, as `npm start` runs it from its second start on;
 * 2. the same declaration with 10,000 members, a monthly fee each and 100,000 payments, filled
 *    as bench/registry.ts fills it, then `treff serve`.
 * Each is left idle for `--start-wait` seconds (the scheduler's catch-up runs 10–20 s after
 * start), its resident memory read, then loaded like bench/registry.ts loads the registry (a
 * board login, `--requests` member-list pages and as many searches), left idle `--load-wait`
 * seconds and read again. Every reading comes with the breakdown of /proc/PID/smaps: the Node
 * binary's code and its read-only data (V8's built-ins, ICU's data), V8's heap pages (the
 * anonymous 256 KiB mappings), other anonymous memory (thread arenas, large V8 objects, big
 * buffers), malloc's main heap, treff's native modules and the system libraries.
 *
 * `--dist DIR` measures another build (a `dist/` with `node_modules` beside it, e.g. of an older
 * checkout) for a before/after comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime } from '../src/app.ts';
import { createUser } from '../src/auth/index.ts';
import { CLI_ACTOR } from '../src/core/audit/index.ts';
import { parseConfig } from '../src/core/config/load.ts';
import { MAX_CSV_ROWS } from '../src/core/csv.ts';
import { silentLogger } from '../src/core/log.ts';
import { SERVER_NODE_FLAGS } from '../src/core/node-flags.ts';
import { importMembers } from '../src/members/index.ts';
import { EXAMPLE_CONFIG, ROOT } from '../test/support/app.ts';
import { loginOverHttp } from '../test/support/client.ts';
import { memberCsv, seedPayments, splitCsv } from './registry-data.ts';
import { freePort, runIfMain, type BenchOptions, type BenchRow } from './support.ts';

const MiB = 1024 * 1024;

/** Resident memory of one process by where it lives, in bytes. */
export interface MemoryBreakdown {
  rss: number;
  binaryCode: number;
  binaryData: number;
  v8Pages: number;
  otherAnonymous: number;
  mallocHeap: number;
  nativeModules: number;
  systemLibraries: number;
  other: number;
}

const V8_PAGE_KIB = 256;

/** Sorts the mappings of /proc/PID/smaps into the breakdown (see the file's comment). */
export function breakdownOf(smaps: string, binary: string): MemoryBreakdown {
  const sums: MemoryBreakdown = {
    rss: 0,
    binaryCode: 0,
    binaryData: 0,
    v8Pages: 0,
    otherAnonymous: 0,
    mallocHeap: 0,
    nativeModules: 0,
    systemLibraries: 0,
    other: 0,
  };
  let category: keyof MemoryBreakdown = 'other';
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const [, from = '0', to = '0', perms = '', path = ''] = mapping;
      const kib = (parseInt(to, 16) - parseInt(from, 16)) / 1024;
      if (path === binary) category = perms.includes('x') ? 'binaryCode' : 'binaryData';
      else if (path === '[heap]') category = 'mallocHeap';
      else if (path.endsWith('.node')) category = 'nativeModules';
      else if (/\.so(\.|$)/.test(path)) category = 'systemLibraries';
      else if (path === '' || path.startsWith('[anon'))
        category = kib === V8_PAGE_KIB ? 'v8Pages' : 'otherAnonymous';
      else category = 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      const bytes = Number(rss[1]) * 1024;
      sums[category] += bytes;
      sums.rss += bytes;
    }
  }
  return sums;
}

async function breakdownOfPid(pid: number): Promise<MemoryBreakdown> {
  return breakdownOf(await readFile(`/proc/${pid}/smaps`, 'utf8'), process.execPath);
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);

/** The breakdown in one line, MiB. */
export function describeBreakdown(b: MemoryBreakdown): string {
  return [
    `binary code ${mib(b.binaryCode)}`,
    `binary data ${mib(b.binaryData)}`,
    `V8 pages ${mib(b.v8Pages)}`,
    `other anon ${mib(b.otherAnonymous)}`,
    `malloc ${mib(b.mallocHeap)}`,
    `native modules ${mib(b.nativeModules)}`,
    `libs ${mib(b.systemLibraries + b.other)}`,
  ].join(' · ');
}

interface Settings {
  startWait: number;
  loadWait: number;
  members: number;
  payments: number;
  requests: number;
  only: string | undefined;
  dist: string;
}

function settingsOf(args: readonly string[]): Settings {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'start-wait': { type: 'string', default: '60' },
      'load-wait': { type: 'string', default: '30' },
      members: { type: 'string', default: '10000' },
      payments: { type: 'string', default: '100000' },
      requests: { type: 'string', default: '400' },
      only: { type: 'string' },
      dist: { type: 'string', default: join(ROOT, 'dist') },
    },
  });
  return {
    startWait: Number(values['start-wait']),
    loadWait: Number(values['load-wait']),
    members: Number(values.members),
    payments: Number(values.payments),
    requests: Number(values.requests),
    only: values.only,
    dist: resolve(values.dist),
  };
}

/** A club's declaration in `dir` on a free port, with its data in `dir/data`. */
async function declaration(
  dir: string,
): Promise<{ file: string; port: number; internalPort: number; yaml: string }> {
  const port = await freePort();
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace('port: 8080', `port: ${port}`);
  const file = join(dir, 'treff.yaml');
  await writeFile(file, yaml);
  return { file, port, internalPort: await freePort(), yaml };
}

function runNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...args], {
    env: { ...process.env, TREFF_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Runs `dist/main.js ARGS` to its end; its stdout. */
async function treffCommand(settings: Settings, args: readonly string[]): Promise<string> {
  const child = runNode([join(settings.dist, 'main.js'), ...args]);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`treff ${args.join(' ')} exited with ${code}: ${out}`);
  return out;
}

/** Starts the server and resolves once it listens. */
async function startServer(settings: Settings, args: readonly string[]): Promise<ChildProcess> {
  const server = runNode([...SERVER_NODE_FLAGS, join(settings.dist, 'main.js'), ...args]);
  await new Promise<void>((resolveListening, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listens on')) resolveListening();
    });
    server.once('exit', (code) => {
      reject(new Error(`server exited with ${code}`));
    });
  });
  return server;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const sleep = (seconds: number) =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, seconds * 1000));

/** The example club: `treff init --demo`; the demo board's login. */
async function prepareExample(
  settings: Settings,
  file: string,
): Promise<{ username: string; password: string }> {
  const out = await treffCommand(settings, ['init', '--demo', '--config', file]);
  const password = /demo board login: vorstand \/ (\S+)/.exec(out)?.[1];
  if (!password) throw new Error(`treff init --demo printed no board login: ${out}`);
  return { username: 'vorstand', password };
}

/** The registry of bench/registry.ts: members by CSV import, a fee each, payments in bulk. */
async function prepareRegistry(
  settings: Settings,
  file: string,
  yaml: string,
): Promise<{ username: string; password: string }> {
  const runtime = await createRuntime(parseConfig(yaml, file, process.env), {
    log: silentLogger(),
  });
  try {
    for (const part of splitCsv(memberCsv(settings.members), MAX_CSV_ROWS))
      await importMembers(runtime, CLI_ACTOR, part, { dryRun: false });
    await seedPayments(runtime, settings.payments);
    const password = 'benchmark-password-1';
    await createUser(runtime, CLI_ACTOR, { username: 'bench', password, roles: ['board'] });
    return { username: 'bench', password };
  } finally {
    await runtime.close();
  }
}

/** The registry load of bench/registry.ts: a board login, list pages and searches. */
async function registryLoad(
  base: string,
  login: { username: string; password: string },
  settings: Settings,
): Promise<void> {
  const cookie = await loginOverHttp(base, login.username, login.password);
  const get = async (path: string) => {
    const answer = await fetch(`${base}${path}`, { headers: { cookie } });
    await answer.text();
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
  };
  const pages = Math.max(1, Math.ceil((settings.members * 0.9) / 50));
  const queries = ['müll', 'ada', 'grace', 'osnabrück', 'm123@', '4242', 'sören', 'weg 1'];
  for (let i = 0; i < settings.requests; i++)
    await get(`/admin/members?page=${1 + ((i * 37) % pages)}`);
  for (let i = 0; i < settings.requests; i++)
    await get(
      `/admin/members?status=all&q=${encodeURIComponent(queries[i % queries.length] ?? '')}`,
    );
}

interface Reading {
  treff: MemoryBreakdown;
  peer: MemoryBreakdown;
}

/** One scenario: start treff and the peer, read them idle, load, read again. */
async function scenario(
  settings: Settings,
  log: (line: string) => void,
  kind: 'example' | 'members',
): Promise<{ afterStart: Reading; afterLoad: Reading }> {
  const dir = await mkdtemp(join(tmpdir(), 'treff-bench-memory-'));
  let server: ChildProcess | undefined;
  try {
    const { file, port, internalPort, yaml } = await declaration(dir);
    const login =
      kind === 'example'
        ? await prepareExample(settings, file)
        : await prepareRegistry(settings, file, yaml);
    const bare = runNode(['-e', 'setInterval(()=>{},1e9)']);
    try {
      server = await startServer(settings, [
        kind === 'example' ? 'demo' : 'serve',
        '--config',
        file,
        '--internal-port',
        String(internalPort),
      ]);
      await sleep(settings.startWait);
      const afterStart = {
        treff: await breakdownOfPid(server.pid ?? 0),
        peer: await breakdownOfPid(bare.pid ?? 0),
      };
      log(`${kind}: ${settings.startWait} s after start: ${describeBreakdown(afterStart.treff)}`);
      await registryLoad(`http://127.0.0.1:${port}`, login, settings);
      await sleep(settings.loadWait);
      const afterLoad = {
        treff: await breakdownOfPid(server.pid ?? 0),
        peer: await breakdownOfPid(bare.pid ?? 0),
      };
      log(`${kind}: ${settings.loadWait} s after the load: ${describeBreakdown(afterLoad.treff)}`);
      log(`bare node: ${describeBreakdown(afterLoad.peer)}`);
      return { afterStart, afterLoad };
    } finally {
      await stop(bare);
    }
  } finally {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  }
}

function rssRow(name: string, reading: Reading, targetMiB: number): BenchRow {
  const treff = reading.treff.rss / MiB;
  const peer = reading.peer.rss / MiB;
  return {
    name,
    treff: `${treff.toFixed(1)} MiB`,
    peer: `bare node ${peer.toFixed(1)} MiB`,
    ratio: `${(treff / peer).toFixed(2)}×`,
    target: `≤ ${targetMiB} MiB`,
    met: treff <= targetMiB,
  };
}

function breakdownRow(name: string, reading: Reading): BenchRow {
  return {
    name,
    treff: describeBreakdown(reading.treff),
    peer: describeBreakdown(reading.peer),
    ratio: '–',
    target: '–',
    met: null,
  };
}

/** Runs the bench; its rows for the table of `npm run bench`. */
export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const settings = settingsOf(options.args);
  options.log(
    `treff memory benchmark: ${settings.dist}/main.js, Node ${process.version}, waits ${settings.startWait} s / ${settings.loadWait} s, load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(', ')}`,
  );
  const rows: BenchRow[] = [];
  const cases = [
    { kind: 'example' as const, label: 'example club', target: 64 },
    {
      kind: 'members' as const,
      label: `${settings.members.toLocaleString('en')} members`,
      target: 72,
    },
  ].filter((item) => !settings.only || item.kind === settings.only);
  for (const item of cases) {
    const { afterStart, afterLoad } = await scenario(settings, options.log, item.kind);
    rows.push(
      rssRow(
        `idle RSS, ${item.label}, ${settings.startWait} s after start`,
        afterStart,
        item.target,
      ),
      rssRow(
        `idle RSS, ${item.label}, ${settings.loadWait} s after the registry load`,
        afterLoad,
        item.target,
      ),
      breakdownRow(`where it is (MiB), ${item.label}, after start`, afterStart),
      breakdownRow(`where it is (MiB), ${item.label}, after the load`, afterLoad),
    );
  }
  return rows;
}

runIfMain(import.meta.url, run);
