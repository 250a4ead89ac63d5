import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import type { Deps } from '../core/deps.ts';
import { secretsEqual } from '../core/ids.ts';
import { attempt, succeed } from '../core/limits/limiter.ts';
import { loginKeys } from '../core/limits/login.ts';
import { checkServiceLogin, recordLoginLockout } from './accounts.service.ts';
import { xmppAuthSecret } from './sync.ts';

const AuthRequest = z.strictObject({
  username: z.string().min(1).max(64),
  host: z.string().min(1).max(253),
  password: z.string().min(1).max(1024),
});

/**
 * The internal endpoints, served on their own listener bound to 127.0.0.1 (`web.internalPort`),
 * never on the public one. `POST /internal/xmpp/auth` checks an account password for Prosody's
 * mod_auth_treff: bearer secret required (every member's shell can reach loopback), JSON
 * `{username, host, password}`, 200 `{ok: true}` or, one second later, 401 `{ok: false}` — the
 * delay slows guessing and costs Prosody nothing, as the module waits asynchronously.
 *
 * Every answer carries `Server-Timing: hash;dur=MS`, the time spent in the password hash.
 *
 * Guesses count against the same per-name limit as the web login (`deps.loginLimits`; Prosody
 * sends no client address, so there is no per-address limit here): a name over the limit is
 * answered 401 without a check, the same answer as a wrong password.
 */
export function internalApp(deps: Deps, options: { failureDelayMs?: number } = {}): Hono {
  const app = new Hono();
  const secret = xmppAuthSecret(deps.secret);
  const delay = options.failureDelayMs ?? 1000;

  app.use(async (c, next) => {
    // Defence in depth: the listener binds to loopback; refuse anything else that gets here.
    let address = '';
    try {
      address = getConnInfo(c).remote.address ?? '';
    } catch {
      // Not served from a Node socket (an in-process request): nothing to check.
    }
    if (address && !['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(address))
      return c.json({ ok: false }, 403);
    await next();
  });

  app.post('/internal/xmpp/auth', async (c) => {
    const header = c.req.header('authorization') ?? '';
    if (!header.startsWith('Bearer ') || !secretsEqual(header.slice('Bearer '.length), secret)) {
      return c.json({ ok: false, error: 'bad secret' }, 403);
    }
    const parsed = AuthRequest.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, error: 'bad request' }, 400);
    const { username, host, password } = parsed.data;
    const keys = loginKeys(deps.loginLimits, username, null);
    // Check and count in one synchronous step: concurrent requests cannot all pass the limit.
    const decision = attempt(keys);
    if (decision.lockedOut.length > 0) await recordLoginLockout(deps, 'name', username);
    // The time spent in the hash, for the Server-Timing header: what the endpoint adds beyond
    // it is measurable from outside (bench/accounts.ts), without a log line per login.
    let hashMs = 0;
    const hasher = deps.accountHasher;
    const timed = {
      ...deps,
      accountHasher: {
        hash: (plain: string) => hasher.hash(plain),
        needsRehash: (hash: string) => hasher.needsRehash(hash),
        verify: async (hash: string, candidate: string) => {
          const started = performance.now();
          try {
            return await hasher.verify(hash, candidate);
          } finally {
            hashMs += performance.now() - started;
          }
        },
      },
    };
    const account =
      decision.allowed && host === deps.config.services.xmpp?.domain
        ? await checkServiceLogin(timed, username, password, 'xmpp')
        : null;
    c.header('Server-Timing', `hash;dur=${hashMs.toFixed(2)}`);
    if (account) {
      succeed(keys);
      return c.json({ ok: true });
    }
    deps.log.info({ event: 'accounts.xmpp_login.failed' }, 'xmpp login failed');
    await sleep(delay);
    return c.json({ ok: false }, 401);
  });

  app.notFound((c) => c.json({ ok: false }, 404));
  return app;
}
