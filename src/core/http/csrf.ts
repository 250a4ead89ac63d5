import { createHmac } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.ts';
import { ForbiddenError } from '../errors.ts';
import { secretsEqual } from '../ids.ts';
import type { AppEnv } from './context.ts';

/** Name of the hidden form field that carries the token. */
export const CSRF_FIELD = '_csrf';
const ANONYMOUS_TTL_SECONDS = 4 * 60 * 60;

/**
 * A token for forms shown before login (login, login-link request). It is signed, not stored,
 * so it needs no cookie: public pages stay cookie-free. It proves the form came from us.
 */
export function anonymousFormToken(secret: Buffer, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + ANONYMOUS_TTL_SECONDS;
  return `a.${expires}.${sign(secret, expires)}`;
}

function sign(secret: Buffer, expires: number): string {
  return createHmac('sha256', secret).update(`treff-form.${expires}`).digest('base64url');
}

function anonymousTokenValid(token: string, secret: Buffer, now: Date): boolean {
  const [prefix, expiresText, signature] = token.split('.');
  const expires = Number(expiresText);
  if (prefix !== 'a' || !Number.isInteger(expires) || signature === undefined) return false;
  if (expires < now.getTime() / 1000) return false;
  return secretsEqual(signature, sign(secret, expires));
}

/**
 * CSRF protection for every state-changing request (OWASP CSRF Cheat Sheet: synchronizer token
 * plus origin verification):
 * - a request the browser marks as cross-site (`Sec-Fetch-Site`) or whose `Origin` is neither the
 *   configured public address nor the address the request came in on is refused (also `null`);
 * - the form must carry `_csrf`: the session's token after login, a signed anonymous token before.
 * Must run after the session middleware. Sets `csrfToken` for the views.
 */
export function csrfProtection(deps: {
  secret: Buffer;
  clock: Clock;
  publicUrl: string;
}): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(deps.publicUrl).origin;
  return async (c, next) => {
    const session = c.get('session');
    c.set(
      'csrfToken',
      session ? session.csrfToken : anonymousFormToken(deps.secret, deps.clock.now()),
    );
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
      await next();
      return;
    }
    const fetchSite = c.req.header('sec-fetch-site');
    if (fetchSite === 'cross-site') {
      throw new ForbiddenError('csrf_failed', 'Cross-site form posts are refused.');
    }
    const origin = c.req.header('origin');
    // A browser that withholds the origin sends "null"; Sec-Fetch-Site, which scripts cannot
    // set, still tells whether the form was ours.
    const withheld = origin === 'null' && fetchSite === 'same-origin';
    if (
      origin !== undefined &&
      !withheld &&
      origin !== publicOrigin &&
      origin !== new URL(c.req.url).origin
    ) {
      throw new ForbiddenError('csrf_failed', 'The form was sent from another site.');
    }
    const contentType = c.req.header('content-type') ?? '';
    let token: unknown;
    if (
      contentType.startsWith('application/x-www-form-urlencoded') ||
      contentType.startsWith('multipart/form-data')
    ) {
      const body = await c.req.parseBody();
      token = body[CSRF_FIELD];
    } else {
      token = c.req.header('x-csrf-token');
    }
    const valid =
      typeof token === 'string' &&
      (session
        ? secretsEqual(token, session.csrfToken)
        : anonymousTokenValid(token, deps.secret, deps.clock.now()));
    if (!valid) {
      throw new ForbiddenError(
        'csrf_failed',
        'The form has expired or was not sent from this site. Please reload the page and try again.',
      );
    }
    await next();
  };
}
