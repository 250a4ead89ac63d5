import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { evaluateConfigJs } from '../../src/services/jitsi/jitsi.doctor.ts';
import { readHocon } from '../../src/services/jitsi/hocon.parse.ts';
import { readLogrotate } from '../../src/services/logs/logrotate.parse.ts';
import { readNginx, tokenizeNginx } from '../../src/services/nginx/nginx.parse.ts';
import { readProsody } from '../../src/services/prosody/prosody.parse.ts';
import {
  parseProperties,
  parsePostfixMain,
  parseTimeSpan,
  parseTurnserver,
  readDovecot,
  readSshd,
  readSystemd,
} from '../../src/services/readers.ts';
import { lastlogRecords, utmpTimes } from '../../src/services/shell/utmp.parse.ts';
import { RootFs } from '../../src/services/rootfs.ts';
import { ROOT } from '../support/app.ts';
import { corpus, fuzz, mutated, type Seed } from './fuzz.ts';

/**
 * The doctor's readers of daemon configs and login records (`treff doctor --root DIR` reads a
 * copy of another server's /etc): any file content gives values and problems, never an
 * exception or a hang (include loops, deep nesting, config.js that never ends). Seeds are the
 * rendered and the Debian default configs of src/services/__fixtures__ plus the corpus.
 */

interface Reader {
  /** Where the fuzzed text is written, under the temp root. */
  path: string;
  /** Which seed files (by path) fit this reader. */
  seeds: RegExp;
  read(fs: RootFs, path: string): unknown;
}

const READERS: Record<string, Reader> = {
  nginx: {
    path: '/etc/nginx/nginx.conf',
    seeds: /nginx|\.conf$/,
    read: async (fs, path) => {
      tokenizeNginx((await fs.read(path)) ?? '');
      return readNginx(fs, path);
    },
  },
  prosody: {
    path: '/etc/prosody/prosody.cfg.lua',
    seeds: /\.lua$/,
    read: (fs, path) => readProsody(fs, path),
  },
  hocon: {
    path: '/etc/jitsi/jicofo/jicofo.conf',
    seeds: /jitsi\/.*\.conf$|^hocon/,
    read: (fs, path) => readHocon(fs, path),
  },
  logrotate: {
    path: '/etc/logrotate.conf',
    seeds: /logrotate/,
    read: (fs) => readLogrotate(fs),
  },
  dovecot: {
    path: '/etc/dovecot/dovecot.conf',
    seeds: /dovecot/,
    read: (fs, path) => readDovecot(fs, path),
  },
  sshd: {
    path: '/etc/ssh/sshd_config',
    seeds: /ssh/,
    read: (fs, path) => readSshd(fs, path),
  },
  systemd: {
    path: '/etc/systemd/system/x.service',
    seeds: /systemd|\.service$|\.timer$/,
    read: async (fs, path) => {
      const unit = await readSystemd(fs, [path], `${path}.d`);
      const value = unit.get('Service', 'RuntimeMaxSec')?.value;
      if (value !== undefined) parseTimeSpan(value);
    },
  },
  postfix: {
    path: '/etc/postfix/main.cf',
    seeds: /postfix/,
    read: async (fs, path) => parsePostfixMain((await fs.read(path)) ?? ''),
  },
  turnserver: {
    path: '/etc/turnserver.conf',
    seeds: /turnserver/,
    read: async (fs, path) => parseTurnserver((await fs.read(path)) ?? ''),
  },
  properties: {
    path: '/etc/jitsi/jicofo/logging.properties',
    seeds: /\.properties$/,
    read: async (fs, path) => parseProperties((await fs.read(path)) ?? ''),
  },
  configJs: {
    path: '/etc/jitsi/meet/config.js',
    seeds: /\.js$/,
    read: async (fs, path) => evaluateConfigJs((await fs.read(path)) ?? ''),
  },
  utmp: {
    path: '/var/log/wtmp',
    seeds: /\.bin$/,
    read: async (fs, path) => {
      const bytes = (await fs.readBytes(path)) ?? Buffer.alloc(0);
      for (const time of utmpTimes(bytes)) assert.ok(Number.isFinite(time));
      for (const record of lastlogRecords(bytes)) assert.ok(Number.isInteger(record.uid));
    },
  },
};
const NAMES = Object.keys(READERS);

function fixtures(dir: string, prefix = ''): Seed[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? fixtures(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.isFile()
        ? [{ name: `${prefix}${entry.name}`, bytes: readFileSync(join(dir, entry.name)) }]
        : [],
  );
}

const SEEDS = [
  ...fixtures(join(ROOT, 'src', 'services', '__fixtures__')),
  ...corpus('daemon-config'),
];

let root: string;
let fs: RootFs;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'treff-fuzz-daemon-'));
  fs = new RootFs(root);
});
after(() => rm(root, { recursive: true, force: true }));

async function readWith(name: string, bytes: Buffer): Promise<void> {
  const reader = READERS[name];
  assert.ok(reader, name);
  const file = join(root, reader.path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  await reader.read(fs, reader.path);
}

test('daemon configs: any file content gives values and problems, never an exception', async (t) => {
  const seedsOf = (name: string) => {
    const reader = READERS[name];
    const fitting = SEEDS.filter((seed) => reader?.seeds.test(seed.name));
    return fitting.length > 0 ? fitting : SEEDS;
  };
  await fuzz(t, 'daemon-config', {
    // Every seed through every reader: a reader meets files of the wrong kind too.
    seeds: SEEDS.flatMap((seed) =>
      NAMES.map((name) => ({
        name: `${seed.name} as ${name}`,
        input: [name, seed.bytes] as const,
      })),
    ),
    arbitrary: fc.constantFrom(...NAMES).chain((name) =>
      fc
        .oneof(
          mutated(seedsOf(name).map((seed) => seed.bytes.toString('utf8'))).map((text) =>
            Buffer.from(text),
          ),
          fc.uint8Array({ maxLength: 1200 }).map((bytes) => Buffer.from(bytes)),
        )
        .map((bytes) => [name, bytes] as const),
    ),
    property: ([name, bytes]) => readWith(name, bytes),
  });
});
