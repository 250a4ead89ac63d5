import type { Config } from '../core/config/load.ts';
import type { ProjectionRow } from './accounts.repo.ts';

/**
 * The daemon-facing files, computed from the accounts (pure, no I/O; `sync.ts` writes them).
 * The daemons never open treff's database: they read these files, so they keep working while
 * treff restarts, and a daemon can only ever see what is projected for it (design.md §2).
 */

/** Where each projection lives, relative to the root (`/` in production). */
export const PATHS = {
  passwd: 'var/lib/extrausers/passwd',
  group: 'var/lib/extrausers/group',
  shadow: 'var/lib/extrausers/shadow',
  dovecotUsers: 'etc/dovecot/treff/users',
  postfixMailboxes: 'etc/postfix/treff/mailboxes',
  postfixSenders: 'etc/postfix/treff/senders',
  xmppUsers: 'var/lib/treff/xmpp-users',
  xmppSecret: 'etc/prosody/treff-auth.secret',
  sshKeys: 'var/lib/treff/ssh-keys',
  homes: 'home',
  prosodyData: 'var/lib/prosody',
} as const;

/** The group whose members may log in with SSH (sshd `AllowGroups`). gid below the uid range. */
export const SHELL_GROUP = { name: 'treff-shell', gid: 19999 } as const;

/** A file to write: content, mode and owning group name (the owner is always root). */
export interface ProjectedFile {
  path: string;
  content: string;
  mode: number;
  group: 'root' | 'shadow' | 'dovecot' | 'prosody';
  /** Postfix lookup table: `postmap` indexes it after writing. */
  postmap?: boolean;
}

/** A home directory an account needs. */
export interface ProjectedHome {
  username: string;
  uid: number;
  path: string;
}

/** Everything one sync writes. */
export interface Projection {
  files: ProjectedFile[];
  sshKeys: ProjectedFile[];
  homes: ProjectedHome[];
}

/** Whether an account may log in today: active status and an active membership. */
export function isLive(row: ProjectionRow, today: string): boolean {
  return row.status === 'active' && (row.leftOn === null || row.leftOn > today);
}

// GECOS is comma-separated and passwd colon-separated: neither may appear in a name.
function gecos(row: ProjectionRow): string {
  return `${row.firstName} ${row.lastName}`.replace(/[:,\n\r\\]/g, ' ').trim();
}

function lines(entries: readonly string[]): string {
  return entries.length === 0 ? '' : `${entries.join('\n')}\n`;
}

/**
 * Computes every projection for the accounts as of `today`. Disabled accounts, requested
 * accounts and accounts of former members appear in none of them, so they cannot log in
 * anywhere and receive no mail.
 */
export function buildProjection(
  rows: readonly ProjectionRow[],
  config: Config,
  secret: string,
  today: string,
): Projection {
  const live = rows.filter((row) => isLive(row, today));
  const shell = live.filter((row) => row.services.shell);
  const mail = config.services.mail ? live.filter((row) => row.services.mail) : [];
  const xmpp = config.services.xmpp ? live.filter((row) => row.services.xmpp) : [];
  const mailDomain = config.services.mail?.domain ?? '';
  const home = (row: ProjectionRow) => `/home/${row.username}`;

  const files: ProjectedFile[] = [
    {
      path: PATHS.passwd,
      content: lines(
        shell.map(
          (row) => `${row.username}:x:${row.uid}:${row.uid}:${gecos(row)}:${home(row)}:/bin/bash`,
        ),
      ),
      mode: 0o644,
      group: 'root',
    },
    {
      path: PATHS.group,
      content: lines([
        ...shell.map((row) => `${row.username}:x:${row.uid}:`),
        `${SHELL_GROUP.name}:x:${SHELL_GROUP.gid}:${shell.map((row) => row.username).join(',')}`,
      ]),
      mode: 0o644,
      group: 'root',
    },
    {
      // `*` = no password but not locked, so an SSH key still works before a password is set.
      path: PATHS.shadow,
      content: lines(
        shell.map((row) => `${row.username}:${row.passwordHash ?? '*'}::0:99999:7:::`),
      ),
      mode: 0o640,
      group: 'shadow',
    },
    {
      // Mailboxes exist before a password does, so mail can arrive; `*` never verifies.
      path: PATHS.dovecotUsers,
      content: lines(
        mail.map(
          (row) =>
            `${row.username}:{CRYPT}${row.passwordHash ?? '*'}:${row.uid}:${row.uid}::${home(row)}::`,
        ),
      ),
      mode: 0o640,
      group: 'dovecot',
    },
    {
      // treff's own addresses (WKS submission, member accounts) are mailboxes too: their mail
      // goes to treff's intake.
      path: PATHS.postfixMailboxes,
      content: lines([
        ...mail.map((row) => `${row.username}@${mailDomain} OK`),
        ...(config.services.wkd?.submissionAddress && config.mail.intake
          ? [`${config.services.wkd.submissionAddress} OK`]
          : []),
        ...(config.mail.intake ? [`${config.club.contacts.memberAccounts} OK`] : []),
      ]),
      mode: 0o644,
      group: 'root',
      postmap: true,
    },
    {
      path: PATHS.postfixSenders,
      content: lines(mail.map((row) => `${row.username}@${mailDomain} ${row.username}`)),
      mode: 0o644,
      group: 'root',
      postmap: true,
    },
    {
      path: PATHS.xmppUsers,
      content: lines(xmpp.map((row) => row.username)),
      mode: 0o640,
      group: 'prosody',
    },
    { path: PATHS.xmppSecret, content: `${secret}\n`, mode: 0o640, group: 'prosody' },
  ];
  const sshKeys = shell
    .filter((row) => row.sshKeys.length > 0)
    .map((row) => ({
      path: `${PATHS.sshKeys}/${row.username}`,
      content: lines(row.sshKeys),
      mode: 0o644,
      group: 'root' as const,
    }));
  const homes = live
    .filter(
      (row) => row.services.shell || (config.services.mail !== undefined && row.services.mail),
    )
    .map((row) => ({
      username: row.username,
      uid: row.uid,
      path: `${PATHS.homes}/${row.username}`,
    }));
  return { files, sshKeys, homes };
}

/**
 * Prosody's file name encoding (util/datamanager.lua `encode`): every character that is not a
 * letter or digit becomes `%xx` in lower-case hex.
 */
export function prosodyEncode(name: string): string {
  return [...Buffer.from(name, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}
