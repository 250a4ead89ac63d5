import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import { hasRole, type AppEnv, type Role } from './context.ts';

/**
 * Lets a request through only when its session holds one of `roles`: without a session it throws
 * {@link UnauthenticatedError} (the edge redirects HTML requests to the login page), with the
 * wrong role {@link ForbiddenError}. Every non-public route states its roles with this.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get('session');
    if (!session) throw new UnauthenticatedError();
    if (!hasRole(session, ...roles)) {
      throw new ForbiddenError('forbidden', 'You are not allowed to open this page.');
    }
    await next();
  };
}
