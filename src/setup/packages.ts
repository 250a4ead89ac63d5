import type { Config } from '../core/config/load.ts';
import { runChecked, type SetupContext, type StepStatus } from './context.ts';
import { readDpkgState } from './dpkg.ts';
import { putFile, removeFile } from './files.ts';

/** Debian packages for what the declaration needs; Jitsi Meet is not in Debian's archive. */
export function requiredPackages(config: Config, tls: string | undefined): string[] {
  const s = config.services;
  return [
    'openssl',
    'logrotate',
    'gnupg',
    'libnss-extrausers',
    ...(s.website || s.wkd || s.jitsi ? ['nginx'] : []),
    ...(s.mail
      ? ['postfix', 'postfix-lmdb', 'dovecot-core', 'dovecot-imapd', 'dovecot-lmtpd']
      : []),
    ...(s.xmpp || s.jitsi ? ['prosody'] : []),
    ...(s.jitsi ? ['coturn'] : []),
    ...(s.shell ? ['openssh-server'] : []),
    ...(tls === 'certbot' ? ['certbot'] : []),
  ];
}

/** Debian's hook that tells maintainer scripts not to start a daemon (exit 101: forbidden). */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const POLICY_RC_D_TEXT = `#!/bin/sh
# Written by treff setup for the time of its apt-get run: no half-configured daemon starts.
exit 101
`;

/**
 * Installs the missing packages with apt-get (no recommends), after preseeding Postfix as an
 * Internet site for the club's domain. A policy-rc.d keeps the packages' daemons from starting
 * before their configuration is written; it is removed afterwards, unless it was there before.
 */
export async function installPackages(
  context: SetupContext,
  config: Config,
  tls: string | undefined,
): Promise<StepStatus> {
  if (config.services.jitsi) context.out(context.t('setup.packages.jitsi'));
  const { installed } = await readDpkgState(context.target);
  const missing = requiredPackages(config, tls).filter((pkg) => !installed.has(pkg));
  if (missing.length === 0) return 'unchanged';
  const existing = await context.target.read(POLICY_RC_D);
  const ours = existing === null || existing === POLICY_RC_D_TEXT;
  if (ours) await putFile(context, POLICY_RC_D, POLICY_RC_D_TEXT, { mode: 0o755, diff: false });
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (missing.includes('postfix')) {
      const domain = config.services.mail?.domain ?? config.club.domain;
      await runChecked(context, {
        argv: context.target.exec(['debconf-set-selections']),
        input: `postfix postfix/main_mailer_type select Internet Site\npostfix postfix/mailname string ${domain}\n`,
      });
    }
    await runChecked(context, { argv: context.target.exec(['apt-get', 'update']), env });
    await runChecked(context, {
      argv: context.target.exec([
        'apt-get',
        'install',
        '-y',
        '--no-install-recommends',
        ...missing,
      ]),
      env,
    });
  } finally {
    if (ours) await removeFile(context, POLICY_RC_D, { backup: false });
  }
  return 'changed';
}
