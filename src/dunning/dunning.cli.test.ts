import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { EXAMPLE_CONFIG, testAccountHasher, testHasher } from '../../test/support/app.ts';
import { runTreff } from '../../test/support/cli.ts';
import { createTestDatabase } from '../../test/support/db.ts';
import { manualClock } from '../core/clock.ts';
import { silentLogger } from '../core/log.ts';

let dir = '';
afterEach(async () => {
  delete process.env['TREFF_DATABASE_URL'];
  await rm(dir, { recursive: true, force: true });
});

test('treff reminders preview lists, send --approve sends once, and a second send sends nothing', async () => {
  dir = await mkdtemp(join(tmpdir(), 'treff-reminders-cli-'));
  const database = await createTestDatabase('sqlite', join(dir, 'data'));
  const config = join(dir, 'treff.yaml');
  await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
  process.env['TREFF_DATABASE_URL'] = database.url;
  const options = {
    runtimeOptions: {
      log: silentLogger(),
      hasher: testHasher,
      accountHasher: testAccountHasher,
      clock: manualClock('2026-03-01T10:00:00.000Z'),
    },
  };
  const run = (...args: string[]) => runTreff([...args, '--config', config], options);
  await writeFile(
    join(dir, 'members.csv'),
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on\n42,Ada,Lovelace,,,,,ada@example.org,,,2026-01-01,\n',
  );
  assert.equal((await run('members', 'import', join(dir, 'members.csv'))).code, 0);
  // The import sets no fee: the dues come from the fee set here.
  const { createRuntime } = await import('../app.ts');
  const { loadConfig } = await import('../core/config/load.ts');
  const { getMemberByNumber, setFee } = await import('../members/index.ts');
  const { CLI_ACTOR } = await import('../core/audit/index.ts');
  const runtime = await createRuntime(await loadConfig(config), options.runtimeOptions);
  try {
    const ada = await getMemberByNumber(runtime, { includeRestricted: false }, '42');
    await setFee(runtime, CLI_ACTOR, { includeRestricted: false }, ada.id, {
      amount: '5,00',
      intervalMonths: '1',
      validFrom: '2026-01-01',
    });
  } finally {
    await runtime.close();
  }
  const preview = await run('reminders', 'preview', '--mail');
  assert.equal(preview.code, 0, preview.err);
  assert.match(
    preview.out,
    /^42\tfriendly\t€15\.00\tsince 2026-01-01\ttime-barred after 2029-12-31\tplain$/m,
  );
  assert.match(preview.out, /Hallo Ada Lovelace/);
  assert.match((await run('reminders', 'send')).out, /1 reminders would be sent; add --approve/);
  const sent = await run('reminders', 'send', '--approve');
  assert.match(sent.out, /Sent 1 reminders, skipped 0/);
  const outbox = await readdir(join(dir, 'data', 'outbox'));
  assert.equal(outbox.length, 1);
  assert.match((await run('reminders', 'send', '--approve')).out, /Sent 0 reminders/);
});
