import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { EXAMPLE_CONFIG } from '../support/app.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import {
  defaultInstall,
  detectDovecot,
  diagnose,
  renderAll,
  writeRendered,
} from '../../src/services/index.ts';
import { freshRoot, inChroot, must, removeRoot, vserverMissing } from '../support/vserver.ts';

/**
 * The Dovecot 2.4 files against Debian 13's real Dovecot (2.4.1): a copy of the e2e base root
 * (made once per run, vserver.ts) with dovecot-imapd and dovecot-lmtpd installed from its apt
 * cache, the rendered files in place, then `doveconf -n` must accept them and show the settings
 * the 2.3 files set, and the doctor must not find them broken.
 */

const skip = vserverMissing();

describe('the Dovecot 2.4 files on Debian 13', { skip, timeout: 15 * 60_000 }, () => {
  let root = '';
  before(async () => {
    root = await freshRoot('dovecot24');
    await inChroot(root, [
      ...['apt-get', '-q', '-y', '--no-download', '--no-install-recommends', 'install'],
      ...['dovecot-imapd', 'dovecot-lmtpd'],
    ]);
  });
  after(async () => {
    if (root) await removeRoot(root);
  });

  test('the target is detected as 2.4 and doveconf accepts the files', async () => {
    const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
    const read = (path: string) => readFile(`${root}${path}`, 'utf8').catch(() => null);
    const dovecot = await detectDovecot(undefined, read);
    assert.equal(dovecot, '2.4');
    await writeRendered(root, renderAll(config, { ...defaultInstall(config), dovecot }), {
      force: true,
    });
    const conf = await must('chroot', [root, 'doveconf', '-n']);
    assert.doesNotMatch(conf, /Fatal|Error|Warning/i);
    const get = async (...names: string[]) =>
      (await must('chroot', [root, 'doveconf', ...names])).trim().split('\n');
    assert.deepEqual(
      await get('auth_allow_cleartext', 'ssl', 'first_valid_uid', 'mail_driver', 'mail_path'),
      [
        'auth_allow_cleartext = no',
        'ssl = required',
        'first_valid_uid = 20000',
        'mail_driver = maildir',
        'mail_path = %{home}/Maildir',
      ],
    );
    assert.match(
      conf,
      /passdb passwd-file \{\n {2}default_password_scheme = CRYPT\n {2}passwd_file_path = \/etc\/dovecot\/treff\/users\n\}/,
    );
    assert.match(conf, /unix_listener \/var\/spool\/postfix\/private\/auth \{/);
    assert.match(conf, /unix_listener \/var\/spool\/postfix\/private\/dovecot-lmtp \{/);
    assert.match(
      conf,
      /cert_file = \/etc\/letsencrypt\/live\/chaostreff-osnabrueck\.de\/fullchain\.pem/,
    );
    assert.match(conf, /^deliver_log_format = %\{message\}$/m);
    assert.doesNotMatch(conf, /auth-system|pam/);
    // The doctor reads the 2.4 files: the login, delivery and debug checks find them right.
    const report = await diagnose(config, { root });
    const checks = report.findings.filter((f) => f.file.startsWith('/etc/dovecot'));
    assert.deepEqual(
      checks.map((f) => [f.setting, f.severity]),
      [
        ['login_log_format_elements', 'ok'],
        ['deliver_log_format', 'ok'],
        ['debug logging', 'ok'],
      ],
    );
  });
});
