import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SYSTEM_ACTOR, recordAudit, type Actor } from '../core/audit/index.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import type { JournalEntry } from '../core/erasure-journal.ts';
import { addDuration, parseDuration, type Duration } from '../core/duration.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../core/fs.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.ts';
import { hashToken, newId, newToken } from '../core/ids.ts';
import { attempt, succeed } from '../core/limits/limiter.ts';
import { loginKeys } from '../core/limits/login.ts';
import { translator } from '../core/i18n/index.ts';
import { accountsMessages } from './accounts.messages.ts';
import { clubToday, getMember, hasLeft, type Member } from '../members/index.ts';
import {
  deleteAccountRow,
  deleteMemberSessions,
  deletePasswordTokensBefore,
  findAccountById,
  findAccountByUsername,
  findAccountOfMember,
  findUsablePasswordToken,
  insertAccount,
  insertPasswordToken,
  listAccountsDueForDeletion,
  listActiveAccountsOfFormerMembers,
  takeNextUid,
  updateAccount,
  usePasswordToken,
  voidPasswordTokensOfAccount,
  type Account,
  type AccountServices,
} from './accounts.repo.ts';
import { checkAccountPassword } from './password.ts';
import { SHELL_GROUP } from './projections.ts';

export type { Account, AccountServices };

/** What the account functions need besides the common deps. */
export type AccountDeps = Pick<
  Deps,
  'db' | 'clock' | 'config' | 'mailer' | 'log' | 'accountHasher'
>;

/** Usernames: a lower-case letter, then 1–31 lower-case letters, digits, `_` or `-`. */
export const USERNAME = /^[a-z][a-z0-9_-]{1,31}$/;

// Names that mean something to a mail or Unix system, or to the club, besides every name in
// /etc/passwd and /etc/group and the local parts of the club's own addresses.
const RESERVED = [
  'root',
  'admin',
  'administrator',
  'postmaster',
  'hostmaster',
  'webmaster',
  'abuse',
  'security',
  'mailer-daemon',
  'noreply',
  'no-reply',
  'nobody',
  'support',
  'info',
  'www',
  'www-data',
  'mail',
  'ftp',
  'sshd',
  'dovecot',
  'dovenull',
  'postfix',
  'prosody',
  'treff',
  'jitsi',
  'jicofo',
  'jvb',
  'turnserver',
  'coturn',
  'nginx',
  'vorstand',
  'board',
  'datenschutz',
  'privacy',
  'kasse',
  'member-accounts',
  'openpgpkey',
  'wkd',
  'focus',
  'auth',
  'conference',
  'upload',
  'meet',
];

// Debian's static system users and groups (base-passwd's passwd.master and group.master) and
// the dynamic ones of packages a treff host runs or commonly has, so a member's name (which is
// also the name of the member's own group) never collides with one, whether or not the package
// is installed yet. A member in group `sudo`, `shadow` or `treff-shell` would gain its rights.
const SYSTEM_ACCOUNTS = [
  ...['daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'news', 'uucp', 'proxy'],
  ...['backup', 'list', 'irc', 'gnats', 'adm', 'tty', 'disk', 'kmem', 'dialout', 'fax'],
  ...['voice', 'cdrom', 'floppy', 'tape', 'sudo', 'audio', 'dip', 'operator', 'src'],
  ...['shadow', 'utmp', 'video', 'sasl', 'plugdev', 'staff', 'users', 'nogroup', 'wheel'],
  ...['input', 'kvm', 'render', 'sgx', 'netdev', 'crontab', 'ssl-cert', 'messagebus', '_apt'],
  ...['systemd-journal', 'systemd-network', 'systemd-resolve', 'systemd-timesync'],
  ...['systemd-coredump', 'systemd-oom', 'tss', 'uuidd', 'tcpdump', 'polkitd', 'lpadmin'],
  ...['ssh', '_ssh', 'postdrop', 'opendkim', 'opendmarc', 'debian-exim', 'debian-tor'],
  ...['_chrony', 'ntp', 'ntpsec', 'postgres', 'redis', 'mysql', 'memcache', 'bind', 'unbound'],
  ...['dnsmasq', 'clamav', 'amavis', 'debian-spamd', '_rspamd', 'letsencrypt', 'certbot'],
  ...['docker', 'lxd', 'libvirt', 'statd', 'avahi', 'fwupd-refresh', 'sshd', 'dovenull'],
  ...['jitsi-meet', 'turnserver', 'prosody', 'dovecot', 'postfix', 'nginx', 'www-data'],
];

function systemNames(): string[] {
  const names: string[] = [];
  for (const file of ['/etc/passwd', '/etc/group']) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const name = line.split(':')[0];
        if (name) names.push(name);
      }
    } catch {
      // A system without the file reserves nothing more.
    }
  }
  return names;
}

/** Every username no member may take. */
export function reservedUsernames(config: Deps['config']): Set<string> {
  const contacts = Object.values(config.club.contacts).map(
    (address) => address.split('@')[0] ?? '',
  );
  const wkd = config.services.wkd?.submissionAddress?.split('@')[0];
  return new Set(
    [
      ...RESERVED,
      ...SYSTEM_ACCOUNTS,
      SHELL_GROUP.name,
      ...systemNames(),
      ...contacts,
      ...(wkd ? [wkd] : []),
    ].map((name) => name.toLowerCase()),
  );
}

/** @throws ValidationError `username_invalid` or `username_reserved`. */
export function checkUsername(username: string, reserved: ReadonlySet<string>): void {
  if (!USERNAME.test(username)) {
    throw new ValidationError('username_invalid', 'The username is not valid.', [
      {
        path: 'username',
        message: 'use 2–32 lower-case letters, digits, _ and -, starting with a letter',
      },
    ]);
  }
  if (reserved.has(username)) {
    throw new ValidationError('username_reserved', `The username ${username} is reserved.`, [
      { path: 'username', message: 'is reserved for the system or the club' },
    ]);
  }
}

/**
 * How long an account outlives the membership before it is deleted: the declaration's rule for
 * the activity stored in `accounts` counted from `membership.ended` (30 days if it says nothing).
 */
export function accountGracePeriod(config: Deps['config']): Duration {
  const activity = config.activities.find(
    (a) => a.store.kind === 'database' && a.store.table === 'accounts',
  );
  const rule = activity?.retention.find(
    (r) => r.from === 'membership.ended' && r.keep !== undefined,
  );
  return (
    parseDuration(rule?.keep ?? 'P30D') ?? {
      years: 0,
      months: 0,
      weeks: 0,
      days: 30,
      hours: 0,
      minutes: 0,
      seconds: 0,
    }
  );
}

/** The mail and XMPP addresses of an account. */
export function accountAddresses(
  config: Deps['config'],
  username: string,
): { mail: string | null; xmpp: string | null } {
  return {
    mail: config.services.mail ? `${username}@${config.services.mail.domain}` : null,
    xmpp: config.services.xmpp ? `${username}@${config.services.xmpp.domain}` : null,
  };
}

/**
 * Asks the privileged `treff sync` to rebuild the projections: the unprivileged server touches
 * `sync.request` in the data dir, which a systemd path unit watches. Never fails the caller.
 */
export async function requestSync(deps: Pick<Deps, 'config' | 'clock' | 'log'>): Promise<void> {
  try {
    await ensurePrivateDir(deps.config.paths.dataDir);
    await writeFile(
      join(deps.config.paths.dataDir, 'sync.request'),
      `${deps.clock.now().toISOString()}\n`,
      { mode: PRIVATE_FILE_MODE },
    );
  } catch (error) {
    deps.log.error({ err: error }, 'could not request a sync');
  }
}

function isActiveMember(member: Member, today: string): boolean {
  return member.restrictedAt === null && !hasLeft(member, today);
}

const DEFAULT_SERVICES: AccountServices = { shell: false, mail: true, xmpp: true };

async function newAccount(
  deps: AccountDeps,
  actor: Actor,
  memberId: string,
  username: string,
  status: 'requested' | 'active',
  services: AccountServices,
): Promise<Account> {
  checkUsername(username, reservedUsernames(deps.config));
  const member = await getMember(deps, { includeRestricted: false }, memberId);
  if (!isActiveMember(member, clubToday(deps))) {
    throw new ForbiddenError('member_not_active', 'Only active members can have an account.');
  }
  const at = deps.clock.now().toISOString();
  const id = newId();
  try {
    await deps.db.transaction().execute(async (trx) => {
      if (await findAccountOfMember(trx, memberId)) {
        throw new ConflictError('account_exists', 'This member already has an account.');
      }
      if (await findAccountByUsername(trx, username)) {
        throw new ConflictError('username_taken', `The username ${username} is taken.`, [
          { path: 'username', message: 'is taken' },
        ]);
      }
      const uid = await takeNextUid(trx);
      await insertAccount(trx, { id, memberId, username, status, uid, services, at });
      await recordAudit(trx, deps.clock.now(), actor, {
        event: status === 'requested' ? 'accounts.account.requested' : 'accounts.account.created',
        memberId,
        objectId: id,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('username_taken', `The username ${username} is taken.`);
    throw error;
  }
  const account = await findAccountById(deps.db, id);
  if (!account) throw new Error('account vanished after insert');
  return account;
}

/**
 * A member asks for an account (portal). The request waits for an admin; the member-accounts
 * address is told by mail that one is waiting (without the member's data).
 * @throws ValidationError for the username; ConflictError `account_exists`, `username_taken`;
 *   ForbiddenError `member_not_active`.
 */
export async function requestAccount(
  deps: AccountDeps,
  actor: Actor,
  memberId: string,
  username: string,
): Promise<Account> {
  const account = await newAccount(
    deps,
    actor,
    memberId,
    username.trim(),
    'requested',
    DEFAULT_SERVICES,
  );
  const t = translator(deps.config.club.defaultLanguage, accountsMessages);
  await deps.mailer.send({
    to: deps.config.club.contacts.memberAccounts,
    subject: t('mail.accountRequested.subject'),
    text: t('mail.accountRequested.body', { link: `${deps.config.publicUrl}/admin/accounts` }),
  });
  return account;
}

/**
 * Creates an active account for an active member (admin, CLI) and mails the member a link to
 * set the password. Returns whether the link could be mailed (the member needs an address).
 */
export async function createAccount(
  deps: AccountDeps,
  actor: Actor,
  memberId: string,
  username: string,
  services: AccountServices = DEFAULT_SERVICES,
): Promise<{ account: Account; linkSent: boolean }> {
  const account = await newAccount(deps, actor, memberId, username.trim(), 'active', services);
  const linkSent = await sendPasswordLink(deps, account);
  await requestSync(deps);
  return { account, linkSent };
}

async function requireAccount(deps: Pick<Deps, 'db'>, id: string): Promise<Account> {
  const account = await findAccountById(deps.db, id);
  if (!account) throw new NotFoundError('account_not_found', 'No such account.');
  return account;
}

/** Finds an account by username. @throws NotFoundError `account_not_found`. */
export async function getAccountByUsername(
  deps: Pick<Deps, 'db'>,
  username: string,
): Promise<Account> {
  const account = await findAccountByUsername(deps.db, username);
  if (!account) throw new NotFoundError('account_not_found', `No account ${username}.`);
  return account;
}

/** The account of a member, if any. */
export function getAccountOfMember(
  deps: Pick<Deps, 'db'>,
  memberId: string,
): Promise<Account | undefined> {
  return findAccountOfMember(deps.db, memberId);
}

/** Approves a requested account (admin) and mails the set-password link. */
export async function approveAccount(
  deps: AccountDeps,
  actor: Actor,
  id: string,
): Promise<{ account: Account; linkSent: boolean }> {
  const account = await requireAccount(deps, id);
  if (account.status !== 'requested')
    throw new ConflictError('account_not_requested', 'This account is not waiting for approval.');
  const member = await getMember(deps, { includeRestricted: false }, account.memberId);
  if (!isActiveMember(member, clubToday(deps)))
    throw new ForbiddenError('member_not_active', 'Only active members can have an account.');
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      id,
      { status: 'active', activated_at: at.toISOString() },
      at.toISOString(),
    );
    await recordAudit(trx, at, actor, {
      event: 'accounts.account.approved',
      memberId: account.memberId,
      objectId: id,
    });
  });
  const active = await requireAccount(deps, id);
  const linkSent = await sendPasswordLink(deps, active);
  await requestSync(deps);
  return { account: active, linkSent };
}

/**
 * Mails the member a one-time link (expiring after `web.passwordLinkTtl`) to set the account
 * password. The password itself is never mailed. Returns false when the member has no address.
 */
export async function sendPasswordLink(deps: AccountDeps, account: Account): Promise<boolean> {
  const member = await getMember(deps, { includeRestricted: false }, account.memberId);
  if (!member.email) return false;
  const ttl = parseDuration(deps.config.web.passwordLinkTtl);
  if (!ttl) throw new Error('web.passwordLinkTtl was validated at load');
  const at = deps.clock.now();
  const token = newToken();
  await deletePasswordTokensBefore(deps.db, new Date(at.getTime() - 7 * 86_400_000).toISOString());
  await insertPasswordToken(deps.db, {
    id: hashToken(token),
    accountId: account.id,
    at: at.toISOString(),
    expiresAt: addDuration(at, ttl).toISOString(),
  });
  const t = translator(deps.config.club.defaultLanguage, accountsMessages);
  const addresses = accountAddresses(deps.config, account.username);
  await deps.mailer.send({
    to: member.email,
    ref: member.id,
    subject: t('mail.passwordLink.subject', { club: deps.config.club.name }),
    text: t('mail.passwordLink.body', {
      name: member.firstName,
      username: account.username,
      mail: addresses.mail ?? '–',
      xmpp: addresses.xmpp ?? '–',
      link: `${deps.config.publicUrl}/account/password/${token}`,
    }),
  });
  return true;
}

/** The account of a set-password link that can still be used, or undefined. */
export async function passwordLinkAccount(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<Account | undefined> {
  const accountId = await findUsablePasswordToken(
    deps.db,
    hashToken(token),
    deps.clock.now().toISOString(),
  );
  return accountId ? findAccountById(deps.db, accountId) : undefined;
}

/**
 * Stores a new password and, in the same transaction, voids every other password link of the
 * account and ends the member's portal sessions except `keepSessionId` (whoever held the old
 * password or a link loses it with the change).
 */
async function storePassword(
  deps: AccountDeps,
  actor: Actor,
  account: Account,
  password: string,
  options: { use?: string; keepSessionId?: string | null } = {},
): Promise<void> {
  checkAccountPassword(password, account.username);
  const hash = await deps.accountHasher.hash(password);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (
      options.use !== undefined &&
      !(await usePasswordToken(trx, options.use, at.toISOString()))
    ) {
      throw new NotFoundError(
        'password_link_invalid',
        'This link has expired or has been used already.',
      );
    }
    await updateAccount(trx, account.id, { password_hash: hash }, at.toISOString());
    await voidPasswordTokensOfAccount(trx, account.id, at.toISOString());
    await deleteMemberSessions(trx, account.memberId, options.keepSessionId ?? null);
    await recordAudit(trx, at, actor, {
      event: 'accounts.password.set',
      memberId: account.memberId,
      objectId: account.id,
    });
  });
  await requestSync(deps);
}

/**
 * Sets the password through a one-time link (single use, expiring). The link proves possession;
 * the account's other links become void and its portal sessions end, except `keepSessionId`.
 * @throws NotFoundError `password_link_invalid`; ValidationError `password_invalid`.
 */
export async function setPasswordWithLink(
  deps: AccountDeps,
  token: string,
  password: string,
  keepSessionId: string | null = null,
): Promise<Account> {
  const id = hashToken(token);
  const accountId = await findUsablePasswordToken(deps.db, id, deps.clock.now().toISOString());
  if (!accountId)
    throw new NotFoundError(
      'password_link_invalid',
      'This link has expired or has been used already.',
    );
  const account = await requireAccount(deps, accountId);
  await storePassword(deps, { type: 'member', id: account.memberId }, account, password, {
    use: id,
    keepSessionId,
  });
  return account;
}

/**
 * Sets an account's password directly (the CLI, an admin): voids its password links and ends
 * every portal session of its member.
 */
export async function setAccountPassword(
  deps: AccountDeps,
  actor: Actor,
  id: string,
  password: string,
): Promise<void> {
  await storePassword(deps, actor, await requireAccount(deps, id), password);
}

/**
 * The member changes the password in the portal: when the account has one, `currentPassword`
 * must match it (checked under the login limits of the account's name, so a taken-over session
 * cannot guess it either). Ends the member's other portal sessions; `sessionId` stays.
 * @throws ValidationError `current_password_wrong`, `login_throttled`, `password_invalid`.
 */
export async function changeAccountPassword(
  deps: AccountDeps & Pick<Deps, 'loginLimits'>,
  actor: Actor,
  id: string,
  currentPassword: string,
  password: string,
  sessionId: string,
): Promise<void> {
  const account = await requireAccount(deps, id);
  if (account.passwordHash !== null) {
    const keys = loginKeys(deps.loginLimits, account.username, null);
    const decision = attempt(keys);
    if (!decision.allowed)
      throw new ValidationError(
        'login_throttled',
        `Too many wrong passwords; try again in ${decision.retryAfterSeconds} seconds.`,
        [{ path: 'current', message: 'too many wrong passwords, try again later' }],
      );
    if (decision.lockedOut.length > 0) await recordLoginLockout(deps, 'name', account.username);
    if (!(await deps.accountHasher.verify(account.passwordHash, currentPassword)))
      throw new ValidationError('current_password_wrong', 'The current password is wrong.', [
        { path: 'current', message: 'is wrong' },
      ]);
    succeed(keys);
  }
  await storePassword(deps, actor, account, password, { keepSessionId: sessionId });
}

/** Disables an account on every service at once (projections drop it at the next sync). */
export async function disableAccount(deps: AccountDeps, actor: Actor, id: string): Promise<void> {
  const account = await requireAccount(deps, id);
  if (account.status === 'disabled') return;
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      id,
      { status: 'disabled', disabled_at: at.toISOString() },
      at.toISOString(),
    );
    await recordAudit(trx, at, actor, {
      event: 'accounts.account.disabled',
      memberId: account.memberId,
      objectId: id,
    });
  });
  await requestSync(deps);
}

/** Enables a disabled account again; only for an active member. */
export async function enableAccount(deps: AccountDeps, actor: Actor, id: string): Promise<void> {
  const account = await requireAccount(deps, id);
  if (account.status !== 'disabled')
    throw new ConflictError('account_not_disabled', 'This account is not disabled.');
  const member = await getMember(deps, { includeRestricted: false }, account.memberId);
  if (!isActiveMember(member, clubToday(deps)))
    throw new ForbiddenError(
      'member_not_active',
      'Only active members can have an active account.',
    );
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      id,
      { status: 'active', disabled_at: null, delete_after: null },
      at.toISOString(),
    );
    await recordAudit(trx, at, actor, {
      event: 'accounts.account.enabled',
      memberId: account.memberId,
      objectId: id,
    });
  });
  await requestSync(deps);
}

/**
 * Deletes an account: the row goes at once (and with it every login), the home directory with
 * the mailbox and the XMPP data go at the next sync. The audit event names ids only.
 */
export async function deleteAccount(
  deps: AccountDeps & Pick<Deps, 'journal'>,
  actor: Actor,
  id: string,
): Promise<void> {
  const account = await requireAccount(deps, id);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await deleteAccountRow(trx, account, newId(), at.toISOString());
    await recordAudit(trx, at, actor, {
      event: 'accounts.account.deleted',
      memberId: account.memberId,
      objectId: id,
    });
    await deps.journal.record(at, { kind: 'accounts.account', id });
  });
  await requestSync(deps);
}

/**
 * Replays an account deletion of the erasure journal after a restore: the row goes again (its
 * files are queued for the next sync again, which finds them gone or removes them), with the
 * audit event dated as the original. Idempotent; returns whether the account was there.
 */
export async function replayAccountDeletion(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entry: JournalEntry,
): Promise<boolean> {
  const account = await findAccountById(deps.db, entry.id);
  if (!account) return false;
  const at = new Date(entry.at);
  await deps.db.transaction().execute(async (trx) => {
    await deleteAccountRow(trx, account, newId(), at.toISOString());
    await recordAudit(trx, at, actor, {
      event: 'accounts.account.deleted',
      memberId: account.memberId,
      objectId: account.id,
    });
  });
  return true;
}

/** Switches the services of an account. */
export async function setAccountServices(
  deps: AccountDeps,
  actor: Actor,
  id: string,
  services: AccountServices,
): Promise<void> {
  const account = await requireAccount(deps, id);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      id,
      { shell: services.shell ? 1 : 0, mail: services.mail ? 1 : 0, xmpp: services.xmpp ? 1 : 0 },
      at.toISOString(),
    );
    const changed = (['shell', 'mail', 'xmpp'] as const).filter(
      (name) => account.services[name] !== services[name],
    );
    await recordAudit(trx, at, actor, {
      event: 'accounts.services.changed',
      memberId: account.memberId,
      objectId: id,
      fields: changed,
    });
  });
  await requestSync(deps);
}

// The comment may hold any text but control and format characters (no NUL, no bidi override).
const SSH_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{0,200})?$/u;

/**
 * Replaces the SSH public keys of an account (one OpenSSH key per line; options such as
 * `command=` are refused, so a key line can never change what sshd does).
 * @throws ValidationError naming each bad line.
 */
export async function setSshKeys(
  deps: AccountDeps,
  actor: Actor,
  id: string,
  text: string,
): Promise<void> {
  const account = await requireAccount(deps, id);
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const issues = lines.flatMap((line, index) =>
    SSH_KEY.test(line)
      ? []
      : [
          {
            path: `line ${index + 1}`,
            message: 'expected an OpenSSH public key such as "ssh-ed25519 AAAA… comment"',
          },
        ],
  );
  if (issues.length > 0)
    throw new ValidationError('ssh_keys_invalid', 'The SSH keys are not valid.', issues);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      id,
      { ssh_keys: lines.length > 0 ? lines.join('\n') : null },
      at.toISOString(),
    );
    await recordAudit(trx, at, actor, {
      event: 'accounts.ssh_keys.changed',
      memberId: account.memberId,
      objectId: id,
    });
  });
  await requestSync(deps);
}

/** What {@link reconcileAccounts} did. */
export interface ReconcileReport {
  disabled: number;
  deleted: number;
}

/**
 * Keeps accounts in step with memberships (idempotent; run by the scheduler and by `treff sync`):
 * an account whose member has left is disabled at once and scheduled for deletion after the
 * declared grace period; an account past that date is deleted.
 */
export async function reconcileAccounts(
  deps: AccountDeps & Pick<Deps, 'journal'>,
  actor: Actor,
): Promise<ReconcileReport> {
  const today = clubToday(deps);
  const grace = accountGracePeriod(deps.config);
  let disabled = 0;
  for (const account of await listActiveAccountsOfFormerMembers(deps.db, today)) {
    const member = await getMember(deps, { includeRestricted: true }, account.memberId);
    const deleteAfter = addDuration(new Date(`${member.leftOn ?? today}T00:00:00Z`), grace)
      .toISOString()
      .slice(0, 10);
    const at = deps.clock.now();
    await deps.db.transaction().execute(async (trx) => {
      await updateAccount(
        trx,
        account.id,
        { status: 'disabled', disabled_at: at.toISOString(), delete_after: deleteAfter },
        at.toISOString(),
      );
      await recordAudit(trx, at, actor, {
        event: 'accounts.account.disabled',
        memberId: account.memberId,
        objectId: account.id,
      });
    });
    disabled++;
  }
  let deleted = 0;
  for (const account of await listAccountsDueForDeletion(deps.db, today)) {
    await deleteAccount(deps, actor, account.id);
    deleted++;
  }
  if (disabled > 0) await requestSync(deps);
  return { disabled, deleted };
}

/**
 * Checks an account password for a service login through treff (XMPP, the web portal). Fails
 * unless the account is active, its member is active, and the service is enabled. A stale hash
 * (older method or cost) is replaced after a successful check: only here does treff see the
 * password. Unknown users cost the same hash work as known ones.
 */
export async function checkServiceLogin(
  deps: AccountDeps,
  username: string,
  password: string,
  service: 'xmpp' | 'web',
): Promise<Account | null> {
  const account = await findAccountByUsername(deps.db, username);
  const hash = account?.passwordHash ?? DUMMY_HASH;
  const ok = await deps.accountHasher.verify(hash, password);
  if (!account || !ok || account.status !== 'active' || account.passwordHash === null) return null;
  if (service === 'xmpp' && !account.services.xmpp) return null;
  const member = await getMember(deps, { includeRestricted: true }, account.memberId);
  if (!isActiveMember(member, clubToday(deps))) return null;
  if (deps.accountHasher.needsRehash(account.passwordHash)) {
    const upgraded = await deps.accountHasher.hash(password);
    const at = deps.clock.now();
    await deps.db.transaction().execute(async (trx) => {
      await updateAccount(trx, account.id, { password_hash: upgraded }, at.toISOString());
      await recordAudit(
        trx,
        at,
        { type: 'system', id: null },
        { event: 'accounts.password.rehashed', memberId: account.memberId, objectId: account.id },
      );
    });
    await requestSync(deps);
  }
  return account;
}

/**
 * Audits that a login limit started a wait (`auth.login.throttled`, for the web login and
 * Prosody's check alike): `fields` names the limit (`name` or `address`); for the name limit the
 * entry carries the web user's id (`webUserId`) or the account and member ids when that name
 * exists. Ids only: never the name tried, the password or the address.
 */
export async function recordLoginLockout(
  deps: Pick<Deps, 'db' | 'clock'>,
  limit: 'name' | 'address',
  username: string,
  webUserId: string | null = null,
): Promise<void> {
  const account =
    limit === 'name' && webUserId === null
      ? await findAccountByUsername(deps.db, username.trim())
      : undefined;
  await recordAudit(deps.db, deps.clock.now(), SYSTEM_ACTOR, {
    event: 'auth.login.throttled',
    objectId: limit === 'name' ? (webUserId ?? account?.id ?? null) : null,
    memberId: account?.memberId ?? null,
    fields: [limit],
  });
}

// A yescrypt hash of a random password, checked for unknown users so that their failures take
// as long as a wrong password.
const DUMMY_HASH = '$y$jAT$4z43BTP7i1aiT/JSkwfE..$Y1xuTkF4sU0VtTHyAT7M51h22JUuKH/xPPp6XmSg.G7';
