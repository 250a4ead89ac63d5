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

/**
 * The folders that hold only treff's projections, with the mode and group that let their daemon
 * reach the files: Dovecot 2.4's auth process reads the passwd-file as the `dovecot` user (2.3's
 * ran as root), so its folder must not be root's alone, as a mkdir under `UMask=0077` makes it.
 * Shared folders (/var/lib/extrausers, /etc/prosody) are left as their package made them.
 */
export const PROJECTION_DIRS: readonly { path: string; mode: number; group: 'root' | 'dovecot' }[] =
  [
    { path: 'etc/dovecot/treff', mode: 0o750, group: 'dovecot' },
    { path: 'etc/postfix/treff', mode: 0o755, group: 'root' },
  ];

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
  /** Accounts left out because a field could break a file's syntax (uid and reason only). */
  refused: string[];
}

/** Whether an account may log in today: active status and an active membership. */
export function isLive(row: ProjectionRow, today: string): boolean {
  return row.status === 'active' && (row.leftOn === null || row.leftOn > today);
}

// GECOS is comma-separated and passwd colon-separated: neither may appear in a name, nor any
// control or format character (a line break would add a line, a NUL end one early, a bidi
// override disguise it). The registry refuses these already; this is the second line.
function gecos(row: ProjectionRow): string {
  return `${row.firstName} ${row.lastName}`.replace(/[:,\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').trim();
}

// What a username and a crypt(3) hash may look like in a projection (accounts.service checks
// the username on the way in; the database is not trusted to hold only what it checked).
const SAFE_USERNAME = /^[a-z][a-z0-9_-]{1,31}$/;
const SAFE_HASH = /^\$[0-9a-z]+\$[./0-9A-Za-z$]+$/;
// One OpenSSH key per line, no options, a comment without control or format characters.
const SAFE_SSH_KEY = /^[a-z][a-z0-9@.-]* [A-Za-z0-9+/]+={0,3}( [^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*)?$/u;

function hashOf(row: ProjectionRow): string {
  if (row.passwordHash === null) return '*';
  // A hash that could break the line locks the account instead (`!` never verifies).
  return SAFE_HASH.test(row.passwordHash) ? row.passwordHash : '!';
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
  const refused: string[] = [];
  const live = rows.filter((row) => {
    if (!isLive(row, today)) return false;
    if (SAFE_USERNAME.test(row.username) && Number.isSafeInteger(row.uid)) return true;
    refused.push(`uid ${row.uid}: the username is not a valid login name`);
    return false;
  });
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
      content: lines(shell.map((row) => `${row.username}:${hashOf(row)}::0:99999:7:::`)),
      mode: 0o640,
      group: 'shadow',
    },
    {
      // Mailboxes exist before a password does, so mail can arrive; `*` never verifies.
      path: PATHS.dovecotUsers,
      content: lines(
        mail.map(
          (row) => `${row.username}:{CRYPT}${hashOf(row)}:${row.uid}:${row.uid}::${home(row)}::`,
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
  const keysOf = (row: ProjectionRow) => row.sshKeys.filter((key) => SAFE_SSH_KEY.test(key));
  const sshKeys = shell
    .filter((row) => keysOf(row).length > 0)
    .map((row) => ({
      path: `${PATHS.sshKeys}/${row.username}`,
      content: lines(keysOf(row)),
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
  return { files, sshKeys, homes, refused };
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
