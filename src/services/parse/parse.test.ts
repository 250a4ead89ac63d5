import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { evaluateConfigJs } from '../doctor.jitsi.ts';
import { logLevels } from '../doctor.xmpp.ts';
import { RootFs } from '../rootfs.ts';
import { readHocon } from './hocon.ts';
import { readLogrotate, stanzaFor } from './logrotate.ts';
import { readNginx, tokenizeNginx } from './nginx.ts';
import { prosodyGet, prosodyModules, readProsody } from './prosody.ts';
import {
  parseProperties,
  parsePostfixMain,
  parseTimeSpan,
  parseTurnserver,
  readSshd,
} from './simple.ts';

describe('the doctor’s readers', () => {
  let root: string;
  let fs: RootFs;
  const put = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'treff-parse-'));
    fs = new RootFs(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('resolve absolute symlinks inside the root, as on the server', async () => {
    await put('etc/real/file.conf', 'inside');
    await mkdir(join(root, 'etc/links'), { recursive: true });
    await symlink('/etc/real/file.conf', join(root, 'etc/links/absolute.conf'));
    await symlink('../real/file.conf', join(root, 'etc/links/relative.conf'));
    assert.equal(await fs.read('/etc/links/absolute.conf'), 'inside');
    assert.equal(await fs.read('/etc/links/relative.conf'), 'inside');
    assert.deepEqual(await fs.glob('/etc/links/*.conf'), [
      '/etc/links/absolute.conf',
      '/etc/links/relative.conf',
    ]);
    assert.equal(await fs.read('/etc/missing'), null);
  });

  test('read nginx with quotes, comments and includes expanded in place', async () => {
    assert.deepEqual(
      tokenizeNginx(`log_format x '$a "q" \\'s\\'' # c\n;`).map((token) => token.text),
      ['log_format', 'x', `$a "q" 's'`, ';'],
    );
    await put('etc/nginx/nginx.conf', 'http {\n  access_log off;\n  include conf.d/*.conf;\n}\n');
    await put('etc/nginx/conf.d/a.conf', 'server { server_name a.example; }\n');
    const problems: { file: string; message: string }[] = [];
    const main = await readNginx(fs, '/etc/nginx/nginx.conf', problems);
    const http = main[0]?.block ?? [];
    assert.deepEqual(
      http.map((d) => d.name),
      ['access_log', 'server'],
    );
    assert.equal(http[1]?.file, '/etc/nginx/conf.d/a.conf');
    assert.deepEqual(problems, []);
  });

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

  test('read logrotate: defaults where a stanza appears, size replaces the interval, first stanza wins', async () => {
    await put('etc/logrotate.conf', 'weekly\nrotate 4\ninclude /etc/logrotate.d\n');
    await put(
      'etc/logrotate.d/a',
      '/var/log/a.log {\n  daily\n  size 10M\n  postrotate\n    daily\n  endscript\n}\n',
    );
    await put('etc/logrotate.d/b', '/var/log/*.log {\n  maxage 3\n}\n');
    await put('etc/logrotate.d/c.dpkg-old', '/var/log/c.log {\n  daily\n}\n');
    const config = await readLogrotate(fs);
    const a = stanzaFor(config, '/var/log/a.log');
    assert.equal(a.stanza?.settings.size, '10M');
    assert.equal(a.stanza?.settings.rotate, 4);
    assert.equal(a.duplicates.length, 1);
    const c = stanzaFor(config, '/var/log/c.log');
    assert.equal(c.stanza?.file, '/etc/logrotate.d/b');
    assert.equal(c.stanza?.settings.interval, 'weekly');
    assert.equal(c.stanza?.settings.maxage, 3);
  });

  test('read HOCON with includes and dotted keys; the later value wins', async () => {
    await put(
      'etc/jvb/jvb.conf',
      'ice4j { harvest.mapping.stun.addresses = [ "a:1" ] } # c\n// c\nvideobridge.x = true\ninclude "more.conf"\n',
    );
    await put('etc/jvb/more.conf', 'ice4j.harvest.mapping.stun.addresses = ["b:2", "c:3"]\n');
    const config = await readHocon(fs, '/etc/jvb/jvb.conf');
    assert.deepEqual(config.values.get('ice4j.harvest.mapping.stun.addresses'), ['b:2', 'c:3']);
    assert.equal(config.values.get('videobridge.x'), true);
  });

  test('read sshd with the first value winning and includes first', async () => {
    await put('etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nLogLevel DEBUG3\n');
    await put('etc/ssh/sshd_config.d/a.conf', 'loglevel INFO\n');
    const values = await readSshd(fs, '/etc/ssh/sshd_config');
    assert.deepEqual(values.get('loglevel'), {
      value: 'INFO',
      file: '/etc/ssh/sshd_config.d/a.conf',
    });
  });

  test('read time spans, Postfix, coturn and Java properties', () => {
    assert.equal(parseTimeSpan('10day'), 864_000);
    assert.equal(parseTimeSpan('1d 12h'), 129_600);
    assert.equal(parseTimeSpan('864000'), 864_000);
    assert.equal(parseTimeSpan('1month'), 2_629_800);
    assert.equal(parseTimeSpan('soon'), null);
    const main = parsePostfixMain('a = 1\n# c\nb = x,\n  y\na = 2\n');
    assert.equal(main.get('a'), '2');
    assert.equal(main.get('b'), 'x, y');
    const turn = parseTurnserver('syslog\n--log-file=/dev/null\nlistening-port 3478\n');
    assert.deepEqual([...turn.keys()], ['syslog', 'log-file', 'listening-port']);
    assert.deepEqual(turn.get('listening-port'), ['3478']);
    const props = parseProperties('.level=INFO\na.b : c \\\n d\n! c\n');
    assert.equal(props.get('.level'), 'INFO');
    assert.equal(props.get('a.b'), 'c d');
  });

  test('evaluate Jitsi’s config.js without letting it compile code', () => {
    assert.deepEqual(
      evaluateConfigJs("var x = 'a'; var config = { p2p: { stunServers: [{ urls: x }] } };"),
      {
        p2p: { stunServers: [{ urls: 'a' }] },
      },
    );
    assert.equal(evaluateConfigJs("var config = eval('1');"), null);
    assert.equal(evaluateConfigJs('while (true) {}'), null);
    assert.equal(evaluateConfigJs('var config = "not an object";'), null);
  });
});
