import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { logLevels } from './prosody.doctor.ts';
import { prosodyGet, prosodyModules, readProsody } from './prosody.parse.ts';
import { tempRoot } from '../../../test/support/rootfs.ts';

describe('the doctor’s readers', () => {
  const { fs, put } = tempRoot();

  test('read Prosody as Prosody does: includes start global, later wins, modules per host', async () => {
    await put(
      'etc/prosody/prosody.cfg.lua',
      `modules_enabled = { "roster"; "mam" }
modules_disabled = { "offline" }
log = { info = "/var/log/prosody.log" }
VirtualHost "a.example"
  modules_enabled = { "bosh" }
Include "conf.d/*.cfg.lua"
Component "muc.a.example" "muc"
  max_history_messages = 2 * 5
`,
    );
    await put(
      'etc/prosody/conf.d/x.cfg.lua',
      '-- a comment\n--[[ long\ncomment ]]\nmodules_disabled = { "offline"; "mam" }\n',
    );
    const config = await readProsody(fs, '/etc/prosody/prosody.cfg.lua');
    assert.deepEqual(config.problems, []);
    assert.equal(prosodyGet(config, 'muc.a.example', 'max_history_messages'), 10);
    // The included file's assignment is global (it does not continue VirtualHost "a.example").
    const modules = prosodyModules(config, 'a.example');
    assert.ok(modules.has('bosh') && modules.has('roster'));
    assert.ok(!modules.has('mam') && !modules.has('offline'));
    assert.ok(prosodyModules(config, 'muc.a.example').has('muc'));
    assert.deepEqual([...logLevels(prosodyGet(config, '*', 'log'))], ['info', 'warn', 'error']);
    assert.deepEqual([...logLevels('/var/log/prosody.log')], ['debug', 'info', 'warn', 'error']);
    await put('etc/prosody/bad.cfg.lua', 'local x = 1\nfoo = ENV_HOME\nbar = 3\n');
    const bad = await readProsody(fs, '/etc/prosody/bad.cfg.lua');
    assert.equal(bad.problems.length, 2);
    assert.equal(prosodyGet(bad, '*', 'bar'), 3);
  });
});
