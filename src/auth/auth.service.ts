import type { Deps } from '../core/deps.ts';
import { addDuration, parseDuration, subtractDuration, type Duration } from '../core/duration.ts';
import { ConflictError, ValidationError } from '../core/errors.ts';
import { ROLES, type Role } from '../core/http/context.ts';
import { hashToken, newId, newToken } from '../core/ids.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import { controlCharacterMessage, findControlCharacter } from '../core/validation.ts';
import { recordAudit, type Actor } from '../core/audit/index.ts';
import { translator, type Lang } from '../core/i18n/index.ts';
import { authMessages } from './auth.messages.ts';
import { checkServiceLogin, recordLoginLockout } from '../accounts/index.ts';
import { attempt, succeed } from '../core/limits/limiter.ts';
import { loginKeys } from '../core/limits/login.ts';
import { findMembersByEmail } from '../members/index.ts';
import {
  countRecentLoginLinks,
  deleteExpiredSessions,
  deleteLoginLinksBefore,
  deleteSession,
  deleteSessionsOfUser,
  findLiveSession,
  findUserForLogin,
  insertLoginLink,
  insertSession,
  insertUser,
  listUsers,
  loginLinkUsable,
  updatePasswordHash,
  useLoginLink,
  type SessionRow,
  type User,
} from './auth.repo.ts';

export type { User, SessionRow };
export { listUsers };

/** Usernames of web users: lower case, 2–32 characters. */
export const USERNAME = /^[a-z][a-z0-9_.-]{1,31}$/;
/** NIST SP 800-63B §3.1.1.2 asks for at least 8; board and admin logins get 12. */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
/** At most this many login links per member and hour (each one is a mail). */
const LINKS_PER_HOUR = 3;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(
      'password_invalid',
      `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`,
      [
        {
          path: 'password',
          message: `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
        },
      ],
    );
  }
}

/**
 * Creates a web user (board, admin, treasurer).
 * @throws ValidationError for a bad username, role, password or display name (control
 *   characters); ConflictError `username_taken`.
 */
export async function createUser(
  deps: Pick<Deps, 'db' | 'clock' | 'hasher'>,
  actor: Actor,
  input: {
    username: string;
    displayName?: string | undefined;
    password: string;
    roles: readonly string[];
    memberId?: string | null;
  },
): Promise<User> {
  const username = input.username.trim();
  if (!USERNAME.test(username)) {
    throw new ValidationError('username_invalid', 'The username is not valid.', [
      {
        path: 'username',
        message: 'use 2–32 lower-case letters, digits and . _ -, starting with a letter',
      },
    ]);
  }
  const roles = [...new Set(input.roles)];
  const badRole = roles.find(
    (role) => !(ROLES as readonly string[]).includes(role) || role === 'member',
  );
  if (roles.length === 0 || badRole !== undefined) {
    throw new ValidationError('role_invalid', 'The roles are not valid.', [
      { path: 'roles', message: 'expected one or more of: board, admin, treasurer' },
    ]);
  }
  checkPassword(input.password);
  const control = findControlCharacter(input.displayName ?? '');
  if (control !== null) {
    throw new ValidationError('display_name_invalid', 'The display name is not valid.', [
      { path: 'displayName', message: controlCharacterMessage(control) },
    ]);
  }
  const at = deps.clock.now();
  const user: User = {
    id: newId(),
    username,
    displayName: input.displayName?.trim() || username,
    roles: roles as Role[],
    memberId: input.memberId ?? null,
    disabledAt: null,
  };
  const passwordHash = await deps.hasher.hash(input.password);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertUser(trx, { ...user, passwordHash, at: at.toISOString() });
      await recordAudit(trx, at, actor, { event: 'auth.user.created', objectId: user.id });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('username_taken', `The username ${username} is taken.`);
    throw error;
  }
  return user;
}

/**
 * Sets a web user's password and ends all their sessions.
 * @throws ValidationError; NotFoundError-like ValidationError `user_not_found`.
 */
export async function setUserPassword(
  deps: Pick<Deps, 'db' | 'clock' | 'hasher'>,
  actor: Actor,
  username: string,
  password: string,
): Promise<void> {
  checkPassword(password);
  const hash = await deps.hasher.hash(password);
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserForLogin(trx, username);
    if (!user || !(await updatePasswordHash(trx, username, hash, at.toISOString()))) {
      throw new ValidationError('user_not_found', `No user ${username}.`);
    }
    await deleteSessionsOfUser(trx, user.id);
    await recordAudit(trx, at, actor, { event: 'auth.user.password_changed', objectId: user.id });
  });
}

/** A freshly created session: the cookie value is returned once and only its hash is stored. */
export interface NewSession {
  token: string;
  expiresAt: Date;
  /** Seconds until it expires: the cookie's Max-Age, independent of the browser's clock. */
  maxAgeSeconds: number;
}

async function startSession(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  owner: { userId: string | null; memberId: string | null },
  lang: Lang | null,
  previousToken: string | undefined,
): Promise<NewSession> {
  // A login ends the session this browser had before: a cookie planted or left behind by
  // someone else never outlives the next login.
  if (previousToken) await deleteSession(deps.db, hashToken(previousToken));
  const token = newToken();
  const at = deps.clock.now();
  const ttl = parseDuration(deps.config.web.sessionTtl);
  if (!ttl) throw new Error('web.sessionTtl was validated at load');
  const expiresAt = addDuration(at, ttl);
  // Expired sessions go as new ones come: nothing is kept past its declared end.
  await deleteExpiredSessions(deps.db, at);
  await insertSession(deps.db, {
    id: hashToken(token),
    userId: owner.userId,
    memberId: owner.memberId,
    csrfToken: newToken(),
    lang,
    at: at.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return {
    token,
    expiresAt,
    maxAgeSeconds: Math.round((expiresAt.getTime() - at.getTime()) / 1000),
  };
}

// A valid Argon2id hash of a random password, checked when the username is unknown so that a
// failed login takes as long for a missing user as for a wrong password (no user enumeration).
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$kfFdZZNS5YKJ9sriYL+RBA$DRVM8qe1l9KhVfZqiVK8d1LhSAql9CLV1GxWSLjLgh0';

/** How a password login ended. */
export type LoginResult =
  | { outcome: 'ok'; session: NewSession }
  | { outcome: 'failed' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

/**
 * Checks a username and password and starts a session: a web login of the board, treasurer or
 * admins first, else a member account (which then opens the member portal). Any failure
 * (unknown user, wrong password, disabled user or account) is `failed`, so the caller cannot
 * tell which; every attempt costs the same work — one Argon2id and one yescrypt check, against
 * dummy hashes where there is no user or account — so the time tells nothing either.
 *
 * The login limits (core/limits/login.ts) count every attempt against the name and `address`
 * before any check runs; an attempt over a limit is `throttled` without a check, whether or not
 * the name exists. `previousToken` is the browser's old session cookie, ended on success.
 */
export async function loginWithPassword(
  deps: Pick<
    Deps,
    'db' | 'clock' | 'config' | 'hasher' | 'accountHasher' | 'mailer' | 'log' | 'loginLimits'
  >,
  username: string,
  password: string,
  lang: Lang | null,
  options: { address?: string | null; previousToken?: string | undefined } = {},
): Promise<LoginResult> {
  const name = username.trim();
  const keys = loginKeys(deps.loginLimits, name, options.address ?? null);
  const decision = attempt(keys);
  if (!decision.allowed)
    return { outcome: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  const user = await findUserForLogin(deps.db, name);
  for (const { limiter } of decision.lockedOut) {
    await recordLoginLockout(
      deps,
      limiter === deps.loginLimits.name ? 'name' : 'address',
      name,
      user?.id ?? null,
    );
  }
  const userOk = await deps.hasher.verify(user?.passwordHash ?? DUMMY_HASH, password);
  // Checked even when the name is a web user's, so that a web-login name costs the same
  // yescrypt work as any other name; a web user's name never opens a member account.
  const account = await checkServiceLogin(deps, name, password, 'web');
  if (user) {
    if (!userOk || user.disabledAt !== null) return { outcome: 'failed' };
    succeed(keys);
    const session = await startSession(
      deps,
      { userId: user.id, memberId: user.memberId },
      lang,
      options.previousToken,
    );
    return { outcome: 'ok', session };
  }
  if (!account) return { outcome: 'failed' };
  succeed(keys);
  await recordAudit(
    deps.db,
    deps.clock.now(),
    { type: 'member', id: account.memberId },
    { event: 'auth.member.logged_in', memberId: account.memberId },
  );
  const session = await startSession(
    deps,
    { userId: null, memberId: account.memberId },
    lang,
    options.previousToken,
  );
  return { outcome: 'ok', session };
}

/** Ends the session with this cookie value. */
export async function logout(deps: Pick<Deps, 'db'>, sessionId: string): Promise<void> {
  await deleteSession(deps.db, sessionId);
}

/** The live session for a cookie value, or undefined. */
export async function resolveSession(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<SessionRow | undefined> {
  const session = await findLiveSession(deps.db, hashToken(token), deps.clock.now().toISOString());
  if (!session) return undefined;
  if (session.userId && (!session.user || session.user.disabledAt !== null)) return undefined;
  return session;
}

/**
 * Mails a one-time login link to every (not restricted) member registered with this address.
 * Answers the same whether or not the address is known, so it reveals no membership. Sends at
 * most {@link LINKS_PER_HOUR} links per member and hour.
 */
export async function requestLoginLink(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'log'>,
  email: string,
  lang: Lang,
): Promise<void> {
  const address = email.trim().toLowerCase();
  if (address.length === 0 || address.length > 254) return;
  const members = await findMembersByEmail(deps.db, address);
  const at = deps.clock.now();
  const ttl = parseDuration(deps.config.web.loginLinkTtl);
  if (!ttl) throw new Error('web.loginLinkTtl was validated at load');
  const t = translator(lang, authMessages);
  await deleteLoginLinksBefore(deps.db, subtractDuration(at, loginLinkRetention(deps.config)));
  for (const member of members) {
    const hourAgo = new Date(at.getTime() - 3_600_000).toISOString();
    if ((await countRecentLoginLinks(deps.db, member.id, hourAgo)) >= LINKS_PER_HOUR) {
      deps.log.warn({ event: 'auth.login_link.throttled' }, 'login link throttled');
      continue;
    }
    const token = newToken();
    const expiresAt = addDuration(at, ttl);
    await insertLoginLink(deps.db, {
      id: hashToken(token),
      memberId: member.id,
      at: at.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await deps.mailer.send({
      to: address,
      ref: member.id,
      subject: t('mail.loginLink.subject', { club: deps.config.club.name }),
      text: t('mail.loginLink.body', {
        name: member.firstName,
        club: deps.config.club.name,
        link: `${deps.config.publicUrl}/login/link/${token}`,
        minutes: Math.round((expiresAt.getTime() - at.getTime()) / 60_000),
      }),
    });
  }
}

/**
 * How long login links are kept, as the declaration says (the retention rule for `loginLinks`
 * of the activity stored in `login_links`); one day if it says nothing.
 */
export function loginLinkRetention(config: Deps['config']): Duration {
  const activity = config.activities.find(
    (candidate) => candidate.store.kind === 'database' && candidate.store.table === 'login_links',
  );
  const rule = activity?.retention.find(
    (candidate) => !candidate.data || candidate.data.includes('loginLinks'),
  );
  return (
    parseDuration(rule?.keep ?? 'P1D') ?? {
      years: 0,
      months: 0,
      weeks: 0,
      days: 1,
      hours: 0,
      minutes: 0,
      seconds: 0,
    }
  );
}

/** Whether a login link can still be used (for the confirmation page; does not use it). */
export async function loginLinkIsUsable(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<boolean> {
  return loginLinkUsable(deps.db, hashToken(token), deps.clock.now().toISOString());
}

/**
 * Uses a login link once and starts a member session. Returns null when the link is unknown,
 * used or expired.
 */
export async function loginWithLink(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  token: string,
  lang: Lang | null,
  previousToken?: string,
): Promise<NewSession | null> {
  const memberId = await useLoginLink(deps.db, hashToken(token), deps.clock.now().toISOString());
  if (!memberId) return null;
  await recordAudit(
    deps.db,
    deps.clock.now(),
    { type: 'member', id: memberId },
    { event: 'auth.member.logged_in', memberId },
  );
  return startSession(deps, { userId: null, memberId }, lang, previousToken);
}
