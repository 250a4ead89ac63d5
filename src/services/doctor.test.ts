import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig, type Config } from '../core/config/load.ts';
import { defaultInstall } from './accounts.render.ts';
import { diagnose } from './doctor.checks.ts';
import { formatFinding, summarize, type DoctorReport, type Finding } from './doctor.ts';
import { prosodyHostDir } from './prosody/prosody.render.ts';
import { renderAll, writeRendered } from './render.ts';
import { BASHRC_HOOK } from './shell/shell.render.ts';
import { lastlogRecord, utmpRecord } from './shell/utmp.parse.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const DEBIAN = join(FIXTURES, 'debian-defaults');
const NOW = new Date('2026-11-27T12:00:00Z');
const DAY = 86_400_000;

/**
 * The example declaration, as if at /etc/treff/treff.yaml; `withoutMailAddresses` drops what
 * Postfix always logs from its mail-logs activity (a declaration that is not honest).
 */
async function exampleConfig(options: { withoutMailAddresses?: boolean } = {}): Promise<Config> {
  let yaml = await readFile(EXAMPLE_CONFIG, 'utf8');
  if (options.withoutMailAddresses) {
    yaml = yaml.replace(
      'data: [ip, time, username, remoteServer, mailAddresses]',
      'data: [ip, time, username, remoteServer]',
    );
  }
  return parseConfig(yaml, '/etc/treff/treff.yaml');
}

const errors = (report: DoctorReport): Finding[] =>
  report.findings.filter((finding) => finding.severity === 'error');

function describeErrors(report: DoctorReport): string {
  return errors(report).map(formatFinding).join('\n');
}

/** A fresh copy of a tree, symlinks kept as they are (absolute ones point into the root). */
async function copyTree(from: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'treff-doctor-'));
  await cp(from, root, { recursive: true, verbatimSymlinks: true });
  return root;
}

/** The manual steps of the install guide (README), on a tree under `root`. */
async function applyInstallGuide(root: string): Promise<void> {
  await rm(join(root, 'etc/nginx/sites-enabled/default'));
  await rm(join(root, 'etc/nginx/sites-enabled/meet.osna.social.conf'));
  await appendFile(join(root, 'etc/bash.bashrc'), `${BASHRC_HOOK}\n`);
  // postconf -e of main.cf.treff and privacy.cf.treff: the last setting of a name counts.
  for (const file of ['main.cf.treff', 'privacy.cf.treff'])
    await appendFile(
      join(root, 'etc/postfix/main.cf'),
      await readFile(join(root, 'etc/postfix/treff', file), 'utf8'),
    );
  await appendFile(join(root, 'etc/jitsi/videobridge/jvb.conf'), 'include "treff-privacy.conf"\n');
  const properties = join(root, 'etc/jitsi/videobridge/sip-communicator.properties');
  const text = await readFile(properties, 'utf8');
  await writeFile(
    properties,
    text
      .split('\n')
      .filter((line) => !line.startsWith('org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES'))
      .join('\n'),
  );
}

describe('treff doctor on the Debian 12 defaults', () => {
  let report: DoctorReport;
  before(async () => {
    report = await diagnose(await exampleConfig(), { root: DEBIAN, now: NOW });
  });

  test('reports every promise the defaults break', () => {
    assert.deepEqual(
      new Set(summarize(report).broken),
      new Set([
        'logs 10 days',
        'mail: members get their mail in their IMAP mailbox',
        'uploads 24 hours',
        'room history 10',
        'one-to-one chats not stored',
        'Jitsi: nothing logged',
        'own STUN server only',
        'Jitsi: no third-party requests',
        'STUN server: nothing logged',
        'web log: ip, time, operatingSystem, browser, referer, page',
        'website: no other origins',
        'shell history opt-in',
        'mail log: declared fields',
      ]),
    );
  });

  test('names the promise, the file, the setting and the fix of each broken default', () => {
    const find = (setting: string | RegExp, file?: string) =>
      errors(report).find(
        (finding) =>
          (typeof setting === 'string'
            ? finding.setting === setting
            : setting.test(finding.setting)) &&
          (file === undefined || finding.file.startsWith(file)),
      );
    const retention = find('MaxRetentionSec');
    assert.ok(retention);
    assert.equal(retention.promise, 'logs 10 days');
    assert.equal(retention.file, '/etc/systemd/journald.conf.d/treff.conf');
    assert.match(retention.actual, /unset/);
    assert.match(retention.fix, /treff services render/);
    assert.equal(
      formatFinding(retention),
      '✗ logs 10 days: /etc/systemd/journald.conf.d/treff.conf: MaxRetentionSec is unset (default: kept until a size limit) (expected at most 10day); fix: treff services render --out / --force, then reload the daemon',
    );
    assert.equal(find('rotate', '/etc/logrotate.d/nginx')?.actual, '14');
    assert.equal(find('rotate', '/etc/logrotate.d/prosody')?.actual, '52');
    assert.equal(find('interval', '/etc/logrotate.d/wtmp')?.actual, 'monthly');
    assert.match(find('interval', '/etc/logrotate.d/jitsi-videobridge')?.actual ?? '', /size 100M/);
    assert.match(find(/max_history_messages|"muc"/)?.actual ?? '', /missing/);
    assert.match(find('chaostreff-osnabrueck.de modules')?.actual ?? '', /offline/);
    assert.match(find('p2p.stunServers')?.actual ?? '', /meet-jit-si-turnrelay/);
    assert.match(find('gravatar')?.actual ?? '', /unset/);
    assert.equal(find('logging', '/etc/turnserver.conf')?.actual, 'syslog');
    assert.match(find('log-file')?.actual ?? '', /unset/);
    assert.equal(find('hosts')?.promise, 'Jitsi: nothing logged');
    assert.match(
      find(/access_log \/var\/log\/nginx\/access.log combined/)?.actual ?? '',
      /\$http_user_agent/,
    );
    assert.match(find('login_log_format_elements')?.actual ?? '', /session/);
    assert.match(find('deliver_log_format')?.actual ?? '', /msgid/);
  });
});

describe('treff doctor on the rendered configuration', () => {
  let root: string;
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('reports no broken promise once the declaration names what Postfix logs', async () => {
    const config = await exampleConfig();
    root = await mkdtemp(join(tmpdir(), 'treff-doctor-'));
    await writeRendered(root, renderAll(config), { force: false });
    const report = await diagnose(config, { root, now: NOW });
    assert.deepEqual(errors(report), [], describeErrors(report));
    assert.ok(summarize(report).ok > 80);
  });

  test("reports no broken promise on Dovecot 2.4's rendered syntax either", async () => {
    const config = await exampleConfig();
    const root24 = await mkdtemp(join(tmpdir(), 'treff-doctor-24-'));
    try {
      const install = { ...defaultInstall(config), dovecot: '2.4' as const };
      await writeRendered(root24, renderAll(config, install), { force: false });
      const report = await diagnose(config, { root: root24, now: NOW });
      assert.deepEqual(errors(report), [], describeErrors(report));
    } finally {
      await rm(root24, { recursive: true, force: true });
    }
  });

  test('reports a declaration that hides the mail addresses Postfix logs', async () => {
    const config = await exampleConfig({ withoutMailAddresses: true });
    const report = await diagnose(config, { root, now: NOW });
    assert.deepEqual(
      errors(report).map((finding) => finding.setting),
      ['activities mail-logs data'],
    );
  });
});

describe('treff doctor on Debian after the install guide', () => {
  let root: string;
  before(async () => {
    root = await copyTree(DEBIAN);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('render --force and the manual steps of the README keep every promise', async () => {
    const config = await exampleConfig();
    await assert.rejects(writeRendered(root, renderAll(config), { force: false }));
    await writeRendered(root, renderAll(config), { force: true });
    const before = await diagnose(config, { root, now: NOW });
    // What render cannot do: Debian's default server, the Jitsi package's files elsewhere, the
    // settings of main.cf that postconf merges.
    assert.deepEqual(
      new Set(errors(before).map((finding) => finding.promise)),
      new Set([
        'mail: members get their mail in their IMAP mailbox',
        'Jitsi: nothing logged',
        'Jitsi: no third-party requests',
        'web log: ip, time, operatingSystem, browser, referer, page',
        'own STUN server only',
        'shell history opt-in',
      ]),
      describeErrors(before),
    );
    await applyInstallGuide(root);
    const report = await diagnose(config, { root, now: NOW });
    assert.deepEqual(errors(report), [], describeErrors(report));
  });

  test('finds what the daemons left behind: old logs and login records, stores, histories', async () => {
    const config = await exampleConfig();
    const old = new Date(NOW.getTime() - 11 * DAY);
    const fresh = new Date(NOW.getTime() - 2 * DAY);
    const at = (path: string) => join(root, path);
    await mkdir(at('var/log/nginx'), { recursive: true });
    await writeFile(at('var/log/nginx/access.log.3.gz'), 'old');
    await utimes(at('var/log/nginx/access.log.3.gz'), old, old);
    await writeFile(at('var/log/nginx/access.log'), 'new');
    await utimes(at('var/log/nginx/access.log'), fresh, fresh);
    const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
    await writeFile(
      at('var/log/wtmp'),
      Buffer.concat([
        utmpRecord(seconds(old), 'alice', '192.0.2.1'),
        utmpRecord(seconds(fresh), 'bob', '192.0.2.2'),
      ]),
    );
    const lastlog = Buffer.alloc(20_001 * 292);
    Buffer.from(lastlogRecord(seconds(old), 'pts/0', '192.0.2.1')).copy(lastlog, 20_000 * 292);
    await writeFile(at('var/log/lastlog'), lastlog);
    const data = at('var/lib/prosody');
    const host = join(data, prosodyHostDir('chaostreff-osnabrueck.de'));
    await mkdir(join(host, 'offline'), { recursive: true });
    await writeFile(join(host, 'offline', 'bob.list'), 'item({})');
    const uploads = join(
      data,
      prosodyHostDir('upload.chaostreff-osnabrueck.de'),
      'http_file_share',
    );
    await mkdir(uploads, { recursive: true });
    await writeFile(join(uploads, 'slot.bin'), 'x');
    await utimes(join(uploads, 'slot.bin'), fresh, fresh);
    await mkdir(at('home/alice'), { recursive: true });
    await writeFile(at('home/alice/.bash_history'), 'ls\n');
    await mkdir(at('home/bob'), { recursive: true });
    await writeFile(at('home/bob/.bash_history'), 'ls\n');
    await writeFile(at('home/bob/.keep_history'), '');
    await mkdir(at('var/tmp'), { recursive: true });
    await writeFile(at('var/tmp/turn_4242_2026-11-20.log'), 'listener 127.0.0.1');

    const report = await diagnose(config, { root, now: NOW });
    const byFile = (file: string) =>
      errors(report)
        .filter((finding) => finding.file === file)
        .map((f) => f.actual);
    assert.deepEqual(byFile('/var/log/nginx/access.log.3.gz'), ['11 days ago']);
    assert.deepEqual(byFile('/var/log/wtmp'), ['1 of 2 records too old, the oldest 11 days']);
    assert.deepEqual(byFile('/var/log/lastlog'), ['1 of 1 records too old, the oldest 11 days']);
    assert.deepEqual(byFile(`/var/lib/prosody/${prosodyHostDir('chaostreff-osnabrueck.de')}`), [
      'offline',
    ]);
    assert.deepEqual(byFile('/home, /root'), ['/home/alice/.bash_history']);
    assert.deepEqual(byFile('/var/log, /var/tmp, /tmp'), ['/var/tmp/turn_4242_2026-11-20.log']);
    // A fresh upload is fine; two days later it is not.
    assert.deepEqual(byFile(uploads.slice(root.length)), ['1 too old']);
  });
});
