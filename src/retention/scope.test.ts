import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { loadConfig } from '../core/config/load.ts';
import { compileRetention, jobsInScope } from './rules.ts';

test('the folders of other daemons are swept by the root unit, the rest by treff.service', async () => {
  const config = await loadConfig(EXAMPLE_CONFIG);
  const { jobs } = compileRetention(config);
  const names = (scope: 'all' | 'treff' | 'system') =>
    jobsInScope(jobs, scope, config.paths.dataDir).map((job) => job.name);
  // The website's log under /var/log/treff (root's), Prosody's uploads, the backup folder.
  assert.deepEqual(names('system'), ['website-logs.1', 'xmpp-uploads.1', 'backups.1']);
  const treff = names('treff');
  // The outbox and the quarantine live in the data dir: treff's own user sweeps them.
  for (const name of ['membership.1', 'outbox.1', 'mail-quarantine.1', 'mail-logs.1'])
    assert.ok(treff.includes(name), name);
  assert.deepEqual(
    [...treff, ...names('system')].sort(),
    names('all').sort(),
    'each job in exactly one scope',
  );
});
