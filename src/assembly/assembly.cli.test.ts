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

test('treff assembly send invites each member once with a progress line and names the letters; a running send refuses a second', async () => {
  dir = await mkdtemp(join(tmpdir(), 'treff-assembly-cli-'));
  const database = await createTestDatabase('sqlite', join(dir, 'data'));
  const config = join(dir, 'treff.yaml');
  await writeFile(config, await readFile(EXAMPLE_CONFIG, 'utf8'));
  process.env['TREFF_DATABASE_URL'] = database.url;
  const clock = manualClock('2026-03-01T10:00:00.000Z');
  const options = {
    runtimeOptions: {
      log: silentLogger(),
      hasher: testHasher,
      accountHasher: testAccountHasher,
      clock,
    },
  };
  const run = (...args: string[]) => runTreff([...args, '--config', config], options);
  await writeFile(
    join(dir, 'members.csv'),
    'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on\n' +
      '42,Ada,Lovelace,,,,,ada@example.org,,,2026-01-01,\n' +
      '44,Carla,Kruse,,Lindenweg 3,49074,Osnabrück,,,,2026-01-01,\n',
  );
  assert.equal((await run('members', 'import', join(dir, 'members.csv'))).code, 0);
  // Invitations are written on the web; here through the service.
  const { createRuntime } = await import('../app.ts');
  const { loadConfig } = await import('../core/config/load.ts');
  const { createInvitation } = await import('./assembly.service.ts');
  const { CLI_ACTOR } = await import('../core/audit/index.ts');
  const runtime = await createRuntime(await loadConfig(config), options.runtimeOptions);
  let id: string;
  try {
    id = (
      await createInvitation(runtime, CLI_ACTOR, {
        title: 'Mitgliederversammlung 2026',
        startsAt: '2026-03-20T19:00',
        mode: 'presence',
        place: 'Vereinsraum',
        onlineAccess: '',
        virtualResolution: '',
        agenda: '1. Bericht',
      })
    ).id;
  } finally {
    await runtime.close();
  }

  const list = await run('assembly', 'list');
  assert.equal(list.code, 0, list.err);
  assert.match(
    list.out,
    new RegExp(
      `^${id}\\t2026-03-20T19:00\\tMitgliederversammlung 2026\\tsend by 2026-03-06\\t2 not reached$`,
      'm',
    ),
  );

  const sent = await run('assembly', 'send', id);
  assert.equal(sent.code, 0, sent.err);
  assert.match(sent.out, /… 2 of 2/);
  assert.match(sent.out, /^1 of 2 invited by mail, 1 need a letter, 0 not reached\.$/m);
  assert.match(sent.out, /^letter\t44 Carla Kruse\tLindenweg 3, 49074 Osnabrück$/m);
  assert.equal((await readdir(join(dir, 'data', 'outbox'))).length, 1);

  const again = await run('assembly', 'send', id);
  assert.equal(again.code, 0, again.err);
  assert.doesNotMatch(again.out, /…/);
  assert.equal((await readdir(join(dir, 'data', 'outbox'))).length, 1);

  // While a run sends (here: one started on the web a moment ago), the command sends nothing.
  const busy = await createRuntime(await loadConfig(config), options.runtimeOptions);
  try {
    const at = clock.now().toISOString();
    await busy.db
      .insertInto('mail_runs')
      .values({
        id: 'web-run',
        subject: `assembly:${id}`,
        active: `assembly:${id}`,
        state: 'running',
        started_by: 'user:vorstand',
        started_at: at,
        heartbeat_at: at,
        finished_at: null,
      })
      .execute();
  } finally {
    await busy.close();
  }
  const refused = await run('assembly', 'send', id);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /being sent right now/);
});
