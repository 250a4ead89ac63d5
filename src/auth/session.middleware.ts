import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../core/deps.ts';
import type { AppEnv, Role, SessionInfo } from '../core/http/context.ts';
import { isLang } from '../core/i18n/index.ts';
import { updateSessionLang } from './auth.repo.ts';
import { resolveSession, type NewSession, type SessionRow } from './auth.service.ts';

/** Cookie name over TLS: the `__Host-` prefix pins it to this host, path `/`, Secure. */
const SECURE_COOKIE = '__Host-treff';
/** Cookie name over plain HTTP (127.0.0.1 during development and the demo). */
const PLAIN_COOKIE = 'treff_session';

/** Whether the browser talks to us over TLS (directly, or through a trusted reverse proxy). */
export function isSecureRequest(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && c.req.header('x-forwarded-proto') === 'https';
}

/**
 * Sets the session cookie after a successful login: HttpOnly, SameSite=Strict, Secure behind
 * TLS, expiring with the session (Max-Age, so a wrong clock in the browser does not matter).
 * This is the only cookie treff ever sets.
 */
export function setSessionCookie(c: Context, trustProxy: boolean, session: NewSession): void {
  const secure = isSecureRequest(c, trustProxy);
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/',
    maxAge: session.maxAgeSeconds,
  });
}

/** Removes the session cookie (logout). */
export function clearSessionCookie(c: Context, trustProxy: boolean): void {
  const secure = isSecureRequest(c, trustProxy);
  deleteCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, { path: '/', secure });
}

/** The session cookie's value, if the request has one. */
export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE);
}

function toSessionInfo(row: SessionRow): SessionInfo {
  const roles: Role[] = row.user ? [...row.user.roles] : [];
  if (row.memberId) roles.push('member');
  return {
    id: row.id,
    userId: row.userId,
    memberId: row.memberId,
    roles,
    displayName: row.user?.displayName ?? row.memberName ?? '',
    csrfToken: row.csrfToken,
    lang: isLang(row.lang) ? row.lang : null,
  };
}

/**
 * Loads the session named by the cookie (if any) into `session`. A `?lang=` on a request with
 * a session is remembered for the session. Requests without the cookie stay anonymous and get
 * no cookie.
 */
export function sessionMiddleware(deps: Pick<Deps, 'db' | 'clock'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = sessionToken(c);
    if (token) {
      const row = await resolveSession(deps, token);
      if (row) {
        const info = toSessionInfo(row);
        const lang = c.req.query('lang');
        if (isLang(lang) && lang !== info.lang) {
          await updateSessionLang(deps.db, row.id, lang);
          info.lang = lang;
        }
        c.set('session', info);
      }
    }
    await next();
  };
}
