import type { Context } from 'hono';
import type { Lang, Translate } from '../i18n/index.ts';

/** The roles of design.md §6. `treasurer` alone may see restricted data of former members. */
export const ROLES = ['member', 'board', 'admin', 'treasurer'] as const;
export type Role = (typeof ROLES)[number];

/** What a request knows about its logged-in caller. */
export interface SessionInfo {
  /** Hash of the cookie value, the row id of the session. */
  id: string;
  /** The web user (board, admin, treasurer), or null for a member in the portal. */
  userId: string | null;
  /** The member this session acts for (a portal login, or a user linked to a member). */
  memberId: string | null;
  roles: readonly Role[];
  displayName: string;
  csrfToken: string;
  /** The language chosen in this session, if any. */
  lang: Lang | null;
}

/** Hono's per-request variables for every treff route. */
export interface AppVariables {
  session: SessionInfo | null;
  lang: Lang;
  t: Translate;
  /** The token to put into this page's forms (session-bound or signed anonymous). */
  csrfToken: string;
  clubName: string;
}

export interface AppEnv {
  Variables: AppVariables;
}

export type AppContext = Context<AppEnv>;

/** True when the session holds at least one of `roles`. */
export function hasRole(session: SessionInfo | null, ...roles: Role[]): boolean {
  return session !== null && session.roles.some((role) => roles.includes(role));
}

/** The audit actor for a logged-in session: the web user, or the member in the portal. */
export function actorOf(session: SessionInfo): { type: 'user' | 'member'; id: string | null } {
  return session.userId
    ? { type: 'user', id: session.userId }
    : { type: 'member', id: session.memberId };
}

/** The session of a route that `requireRole` guards (it cannot be missing there). */
export function sessionOf(c: Context<AppEnv>): SessionInfo {
  const session = c.get('session');
  if (!session) throw new Error('route is missing its requireRole guard');
  return session;
}

/** The member a `requireRole('member')` route acts for (its session always carries one). */
export function memberIdOf(c: Context<AppEnv>): string {
  const memberId = sessionOf(c).memberId;
  if (!memberId) throw new Error('member role without member id');
  return memberId;
}
