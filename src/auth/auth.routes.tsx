import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { clientAddress } from '../core/http/client-address.ts';
import type { AppEnv } from '../core/http/context.ts';
import { hasRole } from '../core/http/context.ts';
import {
  loginLinkIsUsable,
  loginWithLink,
  loginWithPassword,
  logout,
  requestLoginLink,
} from './auth.service.ts';
import { LinkConfirmPage, LoginPage, MemberLoginPage } from './auth.views.tsx';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session.middleware.ts';

const NEXT_BASE = 'http://treff.invalid';

/**
 * A redirect target only if it is a path on this site (no open redirect), else ''. Browsers
 * drop tabs and newlines from a URL and read `\` as `/`, so `/\t/evil.example` or `/\evil.example`
 * would lead to another host, and a raw newline cannot go into a Location header at all: the
 * value must be printable ASCII without a backslash, start with exactly one `/`, hold no
 * control character or backslash once percent-decoded either, and still name this origin when
 * the WHATWG URL parser resolves it.
 */
function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '';
  }
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return '';
  if (/[\p{Cc}\\]/u.test(decoded) || decoded.startsWith('//')) return '';
  const url = new URL(value, NEXT_BASE);
  if (url.origin !== NEXT_BASE) return '';
  // The parser resolves dot segments, so `/.//evil.example` comes out as `//evil.example`, which a
  // browser reads as another host: check what is returned, not only what came in.
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (path.startsWith('//') || path.startsWith('/\\')) return '';
  return path;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Login, logout and the member login links. Public routes: they set a cookie only on success. */
export function authRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const trustProxy = deps.config.web.trustProxy;

  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    return sendPage(c, <LoginPage page={pageContext(c)} next={next} failed={false} />);
  });

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const username = typeof body['username'] === 'string' ? body['username'] : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    const next = safeNext(body['next']);
    const result = await loginWithPassword(deps, username, password, null, {
      address: clientAddress(c, trustProxy),
      previousToken: sessionToken(c),
    });
    if (result.outcome === 'throttled') {
      c.header('Retry-After', String(result.retryAfterSeconds));
      return sendPage(
        c,
        <LoginPage
          page={pageContext(c)}
          next={next}
          failed={false}
          retryAfterSeconds={result.retryAfterSeconds}
          username={username}
        />,
        429,
      );
    }
    if (result.outcome === 'failed') {
      return sendPage(
        c,
        <LoginPage page={pageContext(c)} next={next} failed={true} username={username} />,
        401,
      );
    }
    setSessionCookie(c, trustProxy, result.session);
    return c.redirect(next || '/home', 303);
  });

  // Where a fresh login lands: the first area the roles open.
  app.get('/home', (c) => {
    const session = c.get('session');
    if (hasRole(session, 'board', 'treasurer')) return c.redirect('/admin/members', 303);
    if (hasRole(session, 'admin')) return c.redirect('/admin/outbox', 303);
    if (hasRole(session, 'member')) return c.redirect('/me', 303);
    return c.redirect('/login', 303);
  });

  app.post('/logout', async (c) => {
    const session = c.get('session');
    if (session) await logout(deps, session.id);
    clearSessionCookie(c, trustProxy);
    return c.redirect('/', 303);
  });

  app.get('/login/member', (c) =>
    sendPage(c, <MemberLoginPage page={pageContext(c)} sent={false} />),
  );

  app.post('/login/member', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body['email'] === 'string' ? body['email'] : '';
    const lang = c.get('lang');
    // After the response: whether a mail goes out (a member's address or not) must show
    // neither in the status nor in the time of the answer.
    deps.background.run('auth.login_link', () => requestLoginLink(deps, email, lang));
    return sendPage(c, <MemberLoginPage page={pageContext(c)} sent={true} />);
  });

  app.get('/login/link/:token', async (c) => {
    const token = c.req.param('token');
    const usable = TOKEN.test(token) && (await loginLinkIsUsable(deps, token));
    return sendPage(
      c,
      <LinkConfirmPage page={pageContext(c)} token={token} usable={usable} />,
      usable ? 200 : 404,
    );
  });

  app.post('/login/link/:token', async (c) => {
    const token = c.req.param('token');
    const session = TOKEN.test(token)
      ? await loginWithLink(deps, token, c.get('lang'), sessionToken(c))
      : null;
    if (!session)
      return sendPage(
        c,
        <LinkConfirmPage page={pageContext(c)} token={token} usable={false} />,
        404,
      );
    setSessionCookie(c, trustProxy, session);
    return c.redirect('/me', 303);
  });

  return app;
}
