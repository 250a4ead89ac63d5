import { basename, dirname } from 'node:path';
import type { DovecotVersion } from './mail/mail.version.ts';
import type { Config } from '../core/config/load.ts';
import { SERVER_NODE_FLAGS } from '../core/node-flags.ts';
import { systemdPath } from './formats.ts';
import { header } from './quoting.ts';

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
  /** Dovecot's configuration syntax (mail.version.ts decides it for a target). */
  dovecot: DovecotVersion;
}

/** Defaults for a Debian install. */
export function defaultInstall(config: Config): InstallOptions {
  return {
    installDir: '/opt/treff',
    configFile: `/etc/treff/${basename(config.file)}`,
    user: 'treff',
    // Without a target to look at: the declared syntax, else 2.3 (the host tests' Debian 12).
    // `treff services render` and `treff setup` decide for their target (mail.version.ts).
    dovecot: config.services.mail?.dovecot ?? '2.3',
  };
}

/**
 * The sandbox every treff unit shares: Mastodon's hardening list (round-2.md §4.1) without
 * `MemoryDenyWriteExecute`, which makes V8 abort at isolate start (nodejs/node #55509), and with
 * `SystemCallErrorNumber=EPERM`, so a call outside the filter fails instead of killing Node
 * (Node tries `setrlimit` for its file limit at start and copes with a refusal). Each unit adds
 * what it may write, the capabilities it keeps and, for the web server, the privileged calls.
 */
const SANDBOX: readonly string[] = [
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'PrivateMounts=yes',
  'NoNewPrivileges=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'RestrictNamespaces=yes',
  'LockPersonality=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'RemoveIPC=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@clock @cpu-emulation @debug @keyring @module @mount @obsolete @raw-io @reboot @swap',
  'SystemCallErrorNumber=EPERM',
];

/** The folders under /var/lib that systemd creates for a data dir there (`StateDirectory=`). */
function stateDirectory(dataDir: string): string | null {
  const match = /^\/var\/lib\/(.+?)\/*$/.exec(dataDir);
  return match?.[1] ?? null;
}

/**
 * What `treff serve` writes, and only that: the data dir (database, outbox, quarantine,
 * `sync.request`, the trigger of the root units), the SQLite database's folder if it lies
 * elsewhere, and the declared logs and directories its retention jobs sweep (`-`: they may not
 * exist yet, and a missing path would stop the unit).
 */
export function webWritablePaths(config: Config): { state: string | null; paths: string[] } {
  const dataDir = config.paths.dataDir;
  const state = stateDirectory(dataDir);
  const paths = state ? [] : [dataDir];
  const url = config.database.url;
  if (url.startsWith('sqlite:') && url !== 'sqlite::memory:') {
    const folder = dirname(url.slice('sqlite:'.length));
    if (!isInside(folder, dataDir)) paths.push(`-${folder}`);
  }
  for (const { store } of config.activities) {
    const path =
      store.kind === 'file-log'
        ? dirname(store.path)
        : store.kind === 'directory'
          ? store.path
          : null;
    if (path && !isInside(path, dataDir) && !paths.includes(`-${path}`)) paths.push(`-${path}`);
  }
  return { state, paths };
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`);
}

/**
 * The web server (issue 14): the dedicated user, the full sandbox, no capabilities, and write
 * access only where {@link webWritablePaths} says. Everything that needs root is in
 * `treff-sync.service` and `treff-apply.service`, started by path units when treff touches a
 * file in its data dir, so this process never runs as root.
 */
export function renderTreffService(config: Config, install: InstallOptions): string {
  const { state, paths } = webWritablePaths(config);
  const user = systemdPath(install.user);
  const lines = [
    `User=${user}`,
    `Group=${user}`,
    `ExecStart=/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} ${systemdPath(install.installDir)}/dist/main.js serve --config ${systemdPath(install.configFile)} --retention treff`,
    'Restart=on-failure',
    'UMask=0077',
    ...(state ? [`StateDirectory=${systemdPath(state)}`, 'StateDirectoryMode=0700'] : []),
    ...(paths.length > 0 ? [`ReadWritePaths=${paths.map(systemdPath).join(' ')}`] : []),
    '# The sandbox (round-2.md §4.1); MemoryDenyWriteExecute stays off: V8 aborts with it.',
    ...SANDBOX,
    // chown, setuid and the rest of @privileged, and setpriority, mbind and the rest of @resources.
    'SystemCallFilter=~@privileged @resources',
    // os.networkInterfaces() would need AF_NETLINK; treff does not call it.
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
  ];
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff web server
After=network.target postgresql.service

[Service]
${lines.join('\n')}

[Install]
WantedBy=multi-user.target
`;
}

/**
 * What `treff sync` writes as root: the projections (README, "Projections"), the homes, the
 * lock and key files under /var/lib/treff, Prosody's data of deleted users, and the data dir
 * (the database: disabled and deleted accounts; the doctor's report for the transparency page).
 * `-`: a daemon that is not installed has no folder, and a missing path would stop the unit.
 */
function syncWritablePaths(config: Config): string[] {
  const paths = [
    '-/var/lib/extrausers',
    '-/etc/dovecot/treff',
    '-/etc/postfix/treff',
    '-/etc/prosody',
    '/var/lib/treff',
    '-/var/lib/prosody',
    '/home',
  ];
  for (const path of [config.paths.dataDir, ...webWritablePaths(config).paths]) {
    const optional = path.startsWith('-') ? path : `-${path}`;
    if (!paths.some((known) => known.replace(/^-/, '') === optional.slice(1))) paths.push(optional);
  }
  return paths;
}

/**
 * The privileged sync: the only writer of the projections, as a sandboxed one-shot. Root, with
 * only the capabilities its files need: CAP_CHOWN and CAP_FOWNER (projections owned by the
 * daemons' groups, homes owned by the member), CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
 * (deleting a member's 0700 home and Prosody's 0750 data; the doctor reads every log).
 * ProtectHome is off because it creates and deletes homes; it keeps @chown (and @setuid for
 * postmap) in its system calls; the network is for PostgreSQL, netlink for postmap.
 */
export function renderSyncService(config: Config, install: InstallOptions): string {
  const treff = `/usr/bin/node ${systemdPath(install.installDir)}/dist/main.js`;
  const declaration = systemdPath(install.configFile);
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff sync: account projections for sshd, Dovecot, Postfix and Prosody

[Service]
Type=oneshot
ExecStart=${treff} sync --config ${declaration}
# The retention jobs of other daemons' folders (the website's log, Prosody's uploads), which
# treff.service's user may not list or delete; it schedules the rest (--retention treff).
ExecStartPost=-${treff} retention run --retention system --config ${declaration}
# The doctor as root (it reads what the treff user may not), stored for the transparency page.
ExecStartPost=-${treff} transparency check --config ${declaration}
ReadWritePaths=${syncWritablePaths(config).map(systemdPath).join(' ')}
${rootSandbox('ProtectHome=yes')}
# AF_NETLINK: postmap reads the interface addresses (getifaddrs) and stops without them.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
CapabilityBoundingSet=CAP_CHOWN CAP_FOWNER CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH
`;
}

/** The sandbox of a root one-shot, without the lines it must relax. */
function rootSandbox(...without: string[]): string {
  return SANDBOX.filter((line) => !without.includes(line)).join('\n');
}

/**
 * The shared sandbox as unit lines, for the helper units of the daemon folders (lastlog
 * scrubber, upload cleaner): `unprivileged` adds the filter of privileged calls and drops every
 * capability; `root` keeps the calls and capabilities the caller then names.
 */
export function sandboxLines(kind: 'unprivileged' | 'root'): string {
  return kind === 'root'
    ? rootSandbox()
    : [...SANDBOX, 'SystemCallFilter=~@privileged @resources', 'CapabilityBoundingSet='].join('\n');
}

/** The daemons a declared service renders files for, and how each picks up a change. */
function declaredDaemons(config: Config): string[] {
  const { services } = config;
  return [
    ...(services.website || services.jitsi ? ['nginx.service'] : []),
    ...(services.mail ? ['postfix.service', 'dovecot.service'] : []),
    ...(services.xmpp ? ['prosody.service'] : []),
    ...(services.shell ? ['ssh.service'] : []),
    ...(services.jitsi
      ? ['prosody-jitsi.service', 'coturn.service', 'jicofo.service', 'jitsi-videobridge2.service']
      : []),
  ];
}

/**
 * Applies the declaration as root (issue 14): renders every file into place (refusing, as
 * `treff services render` does, to replace a file treff did not write), merges the Postfix
 * settings into main.cf, reloads systemd, and reloads or restarts each declared daemon that is
 * running, and treff itself. Relaxed against the shared sandbox: it writes all of /etc (every
 * daemon's folder, the units, nsswitch.conf), so ReadWritePaths=/etc; it keeps no capability,
 * since root owns every file it replaces and systemd checks only the uid of `systemctl`.
 */
export function renderApplyService(config: Config, install: InstallOptions): string {
  const treff = `/usr/bin/node ${systemdPath(install.installDir)}/dist/main.js`;
  const declaration = systemdPath(install.configFile);
  const postfix = config.services.mail
    ? [
        "# The settings for main.cf, as the README's install steps merge them (master.cf is merged once, by treff setup).",
        `ExecStart=/bin/sh -c 'grep -hE "^[a-z]" /etc/postfix/treff/main.cf.treff /etc/postfix/treff/privacy.cf.treff | while read -r line; do /usr/sbin/postconf -e "$$line"; done'`,
      ]
    : [];
  const restart = [...declaredDaemons(config), 'systemd-journald.service'];
  return `${header('#', 'treff.yaml')}[Unit]
Description=treff apply: render the daemon configuration from the declaration and reload the daemons
After=network.target

[Service]
Type=oneshot
ExecStart=${treff} services render --config ${declaration} --out / --install-dir ${systemdPath(install.installDir)} --user ${systemdPath(install.user)}
${postfix.join('\n')}${postfix.length > 0 ? '\n' : ''}ExecStart=/usr/bin/systemctl daemon-reload
# "-": a declared daemon that is missing or fails to reload is logged here and shown by the
# doctor; treff is still restarted.
ExecStart=-/usr/bin/systemctl try-reload-or-restart ${restart.join(' ')}
ExecStart=/usr/bin/systemctl try-restart treff.service
ReadWritePaths=/etc
${rootSandbox()}
RestrictAddressFamilies=AF_UNIX
CapabilityBoundingSet=
`;
}

/**
 * Applies the declaration when it changes (an admin edited /etc/treff/treff.yaml) and when treff
 * asks for it by touching `apply.request` in its data dir.
 */
export function renderApplyPath(config: Config, install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Apply treff's declaration when it changes

[Path]
PathChanged=${systemdPath(install.configFile)}
PathChanged=${systemdPath(config.paths.dataDir)}/apply.request
Unit=treff-apply.service

[Install]
WantedBy=multi-user.target
`;
}

/** Runs the sync when the web server asks for it (after every account change). */
export function renderSyncPath(config: Config): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Run treff sync when treff asks for it

[Path]
PathChanged=${systemdPath(config.paths.dataDir)}/sync.request
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
