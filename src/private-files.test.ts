import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../test/support/app.ts';
import { runTreff } from '../test/support/cli.ts';
import { createRuntime } from './app.ts';
import { loadConfig } from './core/config/load.ts';
import { silentLogger } from './core/log.ts';
import { loadSubmissionPublicKey, rawMailerFor } from './keys/index.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';

/** Every path under `dir` whose mode lets the group or others in, with its mode. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    const info = await lstat(path);
    const mode = info.mode & 0o777;
    const wanted = info.isDirectory() ? 0o700 : 0o600;
    if (mode !== wanted) found.push(`${path} ${mode.toString(8)}`);
    if (info.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
  return found;
}

// SQLite only: the modes are those of the files treff and SQLite create in the data dir.
describe('private files under a permissive umask', () => {
  let dir: string;
  let config: string;
  let umask: number;

  before(async () => {
    // The umask of a default login shell: files 0644, directories 0755 unless treff says otherwise.
    umask = process.umask(0o022);
    dir = await mkdtemp(join(tmpdir(), 'treff-modes-'));
    config = join(dir, 'treff.yaml');
    const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
      '    requireClubUid: true\n',
      '    requireClubUid: true\n    submissionAddress: key-submission@chaostreff-osnabrueck.de\n',
    );
    await writeFile(config, yaml);
  });
  after(async () => {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  });

  test('everything treff writes into the data dir is 0600, its directories 0700', async () => {
    const runtimeOptions = {
      log: silentLogger(),
      hasher: testHasher,
      accountHasher: testAccountHasher,
    };
    const run = async (args: string[], stdin = '') => {
      const result = await runTreff(args, { stdin, runtimeOptions });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.err}`);
    };
    const csv = join(dir, 'members.csv');
    await writeFile(csv, `${HEADER}\n1,Ada,Lovelace,,,,,ada@example.org,,,2024-01-01,\n`);
    await run(['init', '--config', config]);
    await run(['members', 'import', csv, '--config', config]);
    // Mails the member a link to set the password: into the outbox.
    await run(['accounts', 'create', '1', 'ada', '--config', config]);
    await run([
      'members',
      'export',
      '--out',
      join(dir, 'data', 'exports', 'members.csv'),
      '--config',
      config,
    ]);
    // The WKS submission key and a WKS mail, as the server makes them; checked while the
    // database is open, as on a running server (SQLite removes -wal and -shm on the last close).
    const runtime = await createRuntime(await loadConfig(config), runtimeOptions);
    try {
      assert.ok(await loadSubmissionPublicKey(runtime));
      await rawMailerFor(runtime.config, runtime.clock).send(
        { from: 'key-submission@chaostreff-osnabrueck.de', to: 'ada@example.org' },
        Buffer.from('Subject: test\r\n\r\nbody\r\n'),
      );
      const data = join(dir, 'data');
      const names = await readdir(data);
      for (const expected of [
        'treff.db',
        'treff.db-wal',
        'treff.db-shm',
        'secret.key',
        'outbox',
        'wks',
      ])
        assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
      assert.equal((await readdir(join(data, 'outbox'))).length, 2);
      assert.deepEqual(await openToOthers(data), []);
    } finally {
      await runtime.close();
    }
  });
});
