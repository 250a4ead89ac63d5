import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../../test/support/app.ts';
import { parseConfig, type Config } from '../../core/config/load.ts';
import { diagnose } from '../doctor.checks.ts';
import { renderPostfixMain } from './mail.accounts.render.ts';

/** The example declaration with the LMTP intake on 127.0.0.1:8472 and WKS submission. */
async function withIntake(): Promise<Config> {
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8'))
    .replace(
      'requireClubUid: true',
      'requireClubUid: true\n    submissionAddress: key-submission@chaostreff-osnabrueck.de',
    )
    .replace(
      'mail:\n  from: treff@chaostreff-osnabrueck.de',
      'mail:\n  from: treff@chaostreff-osnabrueck.de\n  intake: { host: 127.0.0.1, port: 8472, protocol: lmtp }',
    );
  return parseConfig(yaml, '/etc/treff/treff.yaml');
}

/** The doctor's mail-intake findings on a root whose main.cf is `mainCf`. */
async function intakeFindings(config: Config, mainCf: string) {
  const root = await mkdtemp(join(tmpdir(), 'treff-intake-doctor-'));
  try {
    await mkdir(join(root, 'etc/postfix'), { recursive: true });
    await writeFile(join(root, 'etc/postfix/main.cf'), mainCf);
    const report = await diagnose(config, { root, now: new Date('2026-11-27T12:00:00Z') });
    return report.findings.filter((finding) => finding.setting.startsWith('transport_maps'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('the member-accounts address in Postfix', () => {
  test('routes the member-accounts and WKS addresses to treff over LMTP', async () => {
    const main = renderPostfixMain(await withIntake());
    assert.match(
      main,
      /^transport_maps = inline:\{ key-submission@chaostreff-osnabrueck\.de=lmtp:inet:127\.0\.0\.1:8472, member-accounts@chaostreff-osnabrueck\.de=lmtp:inet:127\.0\.0\.1:8472 \}$/m,
    );
  });

  test('the doctor passes the rendered transport and names an address Postfix delivers elsewhere', async () => {
    const config = await withIntake();
    const good = await intakeFindings(config, renderPostfixMain(config));
    assert.equal(good.length, 2);
    assert.ok(good.every((finding) => finding.severity === 'ok'));
    const onlyWks =
      'transport_maps = inline:{ key-submission@chaostreff-osnabrueck.de=lmtp:inet:127.0.0.1:8472 }\n';
    const bad = await intakeFindings(config, onlyWks);
    const missing = bad.find((finding) => finding.severity === 'error');
    assert.equal(missing?.setting, 'transport_maps member-accounts@chaostreff-osnabrueck.de');
    const wrongPort = await intakeFindings(
      config,
      'transport_maps = inline:{ key-submission@chaostreff-osnabrueck.de=lmtp:inet:127.0.0.1:8472, member-accounts@chaostreff-osnabrueck.de=lmtp:inet:127.0.0.1:24 }\n',
    );
    assert.equal(wrongPort.filter((finding) => finding.severity === 'error').length, 1);
  });

  test('reads a transport table file as well as an inline one', async () => {
    const config = await withIntake();
    const root = await mkdtemp(join(tmpdir(), 'treff-intake-doctor-'));
    try {
      await mkdir(join(root, 'etc/postfix'), { recursive: true });
      await writeFile(
        join(root, 'etc/postfix/main.cf'),
        'transport_maps = lmdb:/etc/postfix/transport\n',
      );
      await writeFile(
        join(root, 'etc/postfix/transport'),
        '# treff\nkey-submission@chaostreff-osnabrueck.de lmtp:inet:127.0.0.1:8472\nMember-Accounts@chaostreff-osnabrueck.de lmtp:inet:127.0.0.1:8472\n',
      );
      const report = await diagnose(config, { root, now: new Date('2026-11-27T12:00:00Z') });
      const findings = report.findings.filter((f) => f.setting.startsWith('transport_maps'));
      assert.equal(findings.length, 2);
      assert.ok(findings.every((finding) => finding.severity === 'ok'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("the doctor names the club's domain in mydestination: its mail would miss Dovecot", async () => {
    const config = await withIntake();
    const delivery = async (mainCf: string, hostname = 'vserver\n') => {
      const root = await mkdtemp(join(tmpdir(), 'treff-delivery-doctor-'));
      try {
        await mkdir(join(root, 'etc/postfix'), { recursive: true });
        await writeFile(join(root, 'etc/postfix/main.cf'), mainCf);
        await writeFile(join(root, 'etc/hostname'), hostname);
        const report = await diagnose(config, { root, now: new Date('2026-11-27T12:00:00Z') });
        return report.findings.find((finding) => finding.setting === 'mydestination');
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    };
    // What Debian's postinst writes with the mail name chaostreff-osnabrueck.de.
    const debian =
      'myhostname = vserver\nmydestination = $myhostname, chaostreff-osnabrueck.de, localhost\n';
    assert.equal((await delivery(debian))?.severity, 'error');
    // After treff's settings, in the order postconf -e leaves them.
    assert.equal((await delivery(`${debian}${renderPostfixMain(config)}`))?.severity, 'ok');
    // A host named like the mail domain lists it through $myhostname (Postfix's default).
    assert.equal((await delivery('', 'chaostreff-osnabrueck.de\n'))?.severity, 'error');
    assert.equal(
      (await delivery(renderPostfixMain(config), 'chaostreff-osnabrueck.de\n'))?.severity,
      'ok',
    );
  });
});
