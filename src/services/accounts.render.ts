import { basename } from 'node:path';
import type { Config } from '../core/config/load.ts';
import { SERVER_NODE_FLAGS } from '../core/node-flags.ts';
import { bareToken, header } from './quoting.ts';

/**
 * Member accounts (issue "Member accounts"): treff's own units, the web server and the sync
 * that writes the projections. Each daemon's snippets for the accounts are in its folder
 * (mail/, prosody/, shell/ `*.accounts.render.ts`). Pure functions of the declaration; the
 * paths match src/accounts/projections.ts.
 */

/** Where and as whom treff is installed on the server. */
export interface InstallOptions {
  /** Where treff is installed (its `dist/` and `integrations/`). */
  installDir: string;
  /** The declaration's path on the server. */
  configFile: string;
  /** The Unix user the web server runs as. */
  user: string;
}

/** Defaults for a Debian install. */
export function defaultInstall(config: Config): InstallOptions {
  return {
    installDir: '/opt/treff',
    configFile: `/etc/treff/${basename(config.file)}`,
    user: 'treff',
  };
}

/** The web server, unprivileged. */
export function renderTreffService(config: Config, install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff web server
After=network.target postgresql.service

[Service]
User=${bareToken(install.user)}
ExecStart=/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} ${bareToken(install.installDir)}/dist/main.js serve --config ${bareToken(install.configFile)}
Restart=on-failure
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
UMask=0077
ReadWritePaths=${bareToken(config.paths.dataDir)}

[Install]
WantedBy=multi-user.target
`;
}

/** The privileged sync: the only writer of the projections, as a sandboxed one-shot. */
export function renderSyncService(install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff sync: account projections for sshd, Dovecot, Postfix and Prosody

[Service]
Type=oneshot
ExecStart=/usr/bin/node ${bareToken(install.installDir)}/dist/main.js sync --config ${bareToken(install.configFile)}
# The doctor as root (it reads what the treff user may not), stored for the transparency page.
ExecStartPost=-/usr/bin/node ${bareToken(install.installDir)}/dist/main.js transparency check --config ${bareToken(install.configFile)}
ProtectSystem=strict
ReadWritePaths=/var/lib/extrausers /etc/dovecot/treff /etc/postfix/treff /etc/prosody /var/lib/treff /var/lib/prosody /home
PrivateTmp=yes
`;
}

/** Runs the sync when the web server asks for it (after every account change). */
export function renderSyncPath(config: Config): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Run treff sync when treff asks for it

[Path]
PathChanged=${bareToken(config.paths.dataDir)}/sync.request
Unit=treff-sync.service

[Install]
WantedBy=multi-user.target
`;
}

/** And every 15 minutes and at boot, so projections heal after any failure. */
export function renderSyncTimer(): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Run treff sync every 15 minutes and at boot

[Timer]
OnBootSec=1min
OnUnitActiveSec=15min
Unit=treff-sync.service

[Install]
WantedBy=timers.target
`;
}
