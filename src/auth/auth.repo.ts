import type { Db } from '../core/db/database.ts';
import { toNumber } from '../core/db/dialect.ts';
import type { Role } from '../core/http/context.ts';

/** A web user (board member, admin, treasurer) as stored, without the password hash. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  memberId: string | null;
  disabledAt: string | null;
}

function toUser(row: {
  id: string;
  username: string;
  display_name: string;
  roles: string;
  member_id: string | null;
  disabled_at: string | null;
}): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles.split(',').filter(Boolean) as Role[],
    memberId: row.member_id,
    disabledAt: row.disabled_at,
  };
}

/** Inserts a user. The caller checks uniqueness errors. */
export async function insertUser(
  db: Db,
  user: {
    id: string;
    username: string;
    displayName: string;
    passwordHash: string;
    roles: readonly Role[];
    memberId: string | null;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      roles: user.roles.join(','),
      member_id: user.memberId,
      created_at: user.at,
      updated_at: user.at,
      disabled_at: null,
    })
    .execute();
}

/** The user and password hash for a login attempt, or undefined. */
export async function findUserForLogin(
  db: Db,
  username: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
}

/** Every user, by username. */
export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map(toUser);
}

/** Replaces a user's password hash. Returns false when there is no such user. */
export async function updatePasswordHash(
  db: Db,
  username: string,
  passwordHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: at })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes every session of a user (after a password change). */
export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Stores a new session. */
export async function insertSession(
  db: Db,
  session: {
    id: string;
    userId: string | null;
    memberId: string | null;
    csrfToken: string;
    lang: string | null;
    at: string;
    expiresAt: string;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      member_id: session.memberId,
      csrf_token: session.csrfToken,
      lang: session.lang,
      created_at: session.at,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** A live session with what the request needs to know about its holder. */
export interface SessionRow {
  id: string;
  userId: string | null;
  memberId: string | null;
  csrfToken: string;
  lang: string | null;
  user: User | null;
  memberName: string | null;
}

/** The session with this id if it has not expired, with its user or member. */
export async function findLiveSession(
  db: Db,
  id: string,
  now: string,
): Promise<SessionRow | undefined> {
  const row = await db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('members', 'members.id', 'sessions.member_id')
    .select([
      'sessions.id as id',
      'sessions.user_id as user_id',
      'sessions.member_id as member_id',
      'sessions.csrf_token as csrf_token',
      'sessions.lang as lang',
      'users.username as username',
      'users.display_name as display_name',
      'users.roles as roles',
      'users.member_id as user_member_id',
      'users.disabled_at as disabled_at',
      'members.first_name as first_name',
      'members.last_name as last_name',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const user =
    row.user_id && row.username && row.display_name !== null && row.roles !== null
      ? toUser({
          id: row.user_id,
          username: row.username,
          display_name: row.display_name,
          roles: row.roles,
          member_id: row.user_member_id,
          disabled_at: row.disabled_at,
        })
      : null;
  return {
    id: row.id,
    userId: row.user_id,
    memberId: row.member_id,
    csrfToken: row.csrf_token,
    lang: row.lang,
    user,
    memberName:
      row.first_name !== null && row.last_name !== null
        ? `${row.first_name} ${row.last_name}`
        : null,
  };
}

/** Remembers the language a session chose. */
export async function updateSessionLang(db: Db, id: string, lang: string): Promise<void> {
  await db.updateTable('sessions').set({ lang }).where('id', '=', id).execute();
}

/** Deletes every session that has expired (in a dry run: counts them). Returns the count. */
export async function deleteExpiredSessions(db: Db, now: Date, dryRun = false): Promise<number> {
  if (dryRun) {
    const row = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirstOrThrow();
    return toNumber(row.n);
  }
  const result = await db
    .deleteFrom('sessions')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes login links created before `before`, used or not (in a dry run: counts them), and
 * tells when the oldest remaining one was created.
 */
export async function deleteLoginLinksBefore(
  db: Db,
  before: Date,
  dryRun = false,
): Promise<{ removed: number; oldestKept: string | null }> {
  const cut = before.toISOString();
  let removed: number;
  if (dryRun) {
    const row = await db
      .selectFrom('login_links')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('created_at', '<', cut)
      .executeTakeFirstOrThrow();
    removed = toNumber(row.n);
  } else {
    removed = Number(
      (await db.deleteFrom('login_links').where('created_at', '<', cut).executeTakeFirst())
        .numDeletedRows,
    );
  }
  const oldest = await db
    .selectFrom('login_links')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('created_at', '>=', cut)
    .executeTakeFirst();
  return { removed, oldestKept: oldest?.oldest ?? null };
}

/** Ends a session. */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Stores a one-time login link (its token hash). */
export async function insertLoginLink(
  db: Db,
  link: { id: string; memberId: string; at: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('login_links')
    .values({
      id: link.id,
      member_id: link.memberId,
      created_at: link.at,
      expires_at: link.expiresAt,
      used_at: null,
    })
    .execute();
}

/** How many links were sent to a member since `since` (for the rate limit). */
export async function countRecentLoginLinks(
  db: Db,
  memberId: string,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('login_links')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('member_id', '=', memberId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return toNumber(row.n);
}

/**
 * Marks an unused, unexpired link as used and returns its member id; undefined when the link is
 * unknown, used or expired. Single use holds under concurrency: the update matches only while
 * `used_at` is null.
 */
export async function useLoginLink(db: Db, id: string, now: string): Promise<string | undefined> {
  const link = await db
    .selectFrom('login_links')
    .select(['member_id'])
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!link) return undefined;
  const result = await db
    .updateTable('login_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? link.member_id : undefined;
}

/** Whether a link is still usable (for the confirmation page). */
export async function loginLinkUsable(db: Db, id: string, now: string): Promise<boolean> {
  const link = await db
    .selectFrom('login_links')
    .select(['id'])
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return link !== undefined;
}

/** A member's login links, without tokens (for the Art. 15 report). */
export async function listLoginLinksOfMember(
  db: Db,
  memberId: string,
): Promise<{ createdAt: string; expiresAt: string; usedAt: string | null }[]> {
  const rows = await db
    .selectFrom('login_links')
    .select(['created_at', 'expires_at', 'used_at'])
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  }));
}
