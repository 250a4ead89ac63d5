import type { Child } from 'hono/jsx';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import type { Clock } from '../clock.ts';
import { AppError, BadRequestError, PayloadTooLargeError, type ErrorKind } from '../errors.ts';
import { isLang, negotiateLang, translator, type Catalogue, type Lang } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { newId } from '../ids.ts';
import { loadAssets } from './assets.ts';
import type { AppContext, AppEnv, AppVariables } from './context.ts';
import { csrfProtection } from './csrf.ts';
import { renderDocument } from './html.ts';
import { Flash, Layout, type PageContext } from './layout.tsx';

/** The largest request body the frame accepts (a bank statement or member CSV upload fits). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What the web frame needs. */
export interface WebFrameDeps {
  log: Logger;
  clock: Clock;
  secret: Buffer;
  clubName: string;
  publicUrl: string;
  defaultLang: Lang;
  /** Every text (the composition root merges the modules' catalogues). */
  messages: Catalogue;
  /** Loads the caller's session from the cookie and sets `session` (from the auth module). */
  sessionMiddleware: MiddlewareHandler<AppEnv>;
}

const STATUS: Record<ErrorKind, 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500> = {
  validation: 422,
  bad_request: 400,
  too_large: 413,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  internal: 500,
};

/**
 * The frame every treff route runs in: security headers with a CSP that allows nothing from
 * another origin and no script, a request log without IPs or query strings, a body limit, the
 * session, the language, CSRF checks, the stylesheets and the error pages.
 */
export function createWebFrame(deps: WebFrameDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const assets = loadAssets();

  // Error pages may render before the language is chosen; until then they speak German.
  app.use(async (c, next) => {
    c.set('t', translator('de', deps.messages));
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      // Other sites learn nothing of where a visitor came from; our own forms keep a real Origin
      // header (with no-referrer, browsers send `Origin: null` even to the same site).
      referrerPolicy: 'same-origin',
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: false,
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    }),
  );
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        method: c.req.method,
        route: routePath(c),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(
          'body_too_large',
          `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`,
        );
      },
    }),
  );
  // Reads a form body once, here: a malformed one (a multipart body without its boundary, cut
  // off, or not what its type says) is the sender's error, not a crash in the first handler
  // that parses it. Hono keeps the parsed body, so later `parseBody()` calls reuse it.
  app.use(async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (
      c.req.raw.body !== null &&
      (type.startsWith('multipart/form-data') ||
        type.startsWith('application/x-www-form-urlencoded'))
    ) {
      try {
        await c.req.parseBody();
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new BadRequestError('body_malformed', 'The form data could not be read.');
      }
    }
    await next();
  });
  app.use(async (c, next) => {
    c.set('clubName', deps.clubName);
    c.set('session', null);
    await next();
  });
  app.use(deps.sessionMiddleware);
  app.use(async (c, next) => {
    const query = c.req.query('lang');
    const lang: Lang = isLang(query)
      ? query
      : (c.get('session')?.lang ??
        negotiateLang(c.req.header('accept-language'), deps.defaultLang));
    c.set('lang', lang);
    c.set('t', translator(lang, deps.messages));
    await next();
    if (c.get('session')) c.header('Cache-Control', 'no-store');
  });
  app.use(csrfProtection({ secret: deps.secret, clock: deps.clock, publicUrl: deps.publicUrl }));

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    c.header('Content-Type', asset.contentType);
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(asset.body);
  });

  app.notFound(async (c) => {
    const t = c.get('t');
    if (wantsJson(c)) return c.json({ error: { code: 'not_found', message: 'Not found.' } }, 404);
    return c.html(
      await renderDocument(
        <ErrorPage
          page={pageContext(c)}
          title={t('error.notFound.title')}
          message={t('error.notFound.text')}
        />,
      ),
      404,
    );
  });

  app.onError(async (error, c) => {
    // A code with a text under `error.code.<code>` (in any catalogue) is shown in the page's
    // language; the error's own English message stays for JSON clients and the log.
    // The error may come from a middleware that ran before the language was chosen.
    const t = (c.var as Partial<AppVariables>).lang
      ? c.get('t')
      : translator(deps.defaultLang, deps.messages);
    if (error instanceof AppError) {
      if (error.kind === 'unauthenticated' && !wantsJson(c) && c.req.method === 'GET') {
        const next = new URL(c.req.url).pathname;
        return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      }
      const status = STATUS[error.kind];
      const codeKey = `error.code.${error.code}`;
      if (wantsJson(c)) {
        return c.json(
          { error: { code: error.code, message: error.message, issues: error.issues } },
          status,
        );
      }
      return c.html(
        await renderDocument(
          <ErrorPage
            page={pageContext(c)}
            title={t('error.title')}
            message={t.has(codeKey) ? t(codeKey) : error.message}
            code={error.code}
          />,
        ),
        status,
      );
    }
    const errorId = newId();
    deps.log.error({ err: error, errorId, route: routePath(c) }, 'unhandled error');
    if (wantsJson(c)) {
      return c.json({ error: { code: 'internal', message: `Internal error ${errorId}.` } }, 500);
    }
    return c.html(
      await renderDocument(
        <ErrorPage
          page={pageContext(c)}
          title={t('error.title')}
          message={t('error.internal', { id: errorId })}
        />,
      ),
      500,
    );
  });
  return app;
}

/** The request's page context for {@link Layout}. */
export function pageContext(c: AppContext): PageContext {
  // Error pages may render before every middleware has run: each variable may still be unset.
  const vars: Partial<AppVariables> = c.var;
  const lang = vars.lang ?? 'de';
  if (!vars.t) throw new Error('pageContext outside the web frame');
  return {
    t: vars.t,
    lang,
    session: vars.session ?? null,
    csrfToken: vars.csrfToken ?? '',
    clubName: vars.clubName ?? 'treff',
    path: new URL(c.req.url).pathname,
  };
}

/** Sends a rendered page. */
export async function sendPage(
  c: AppContext,
  page: Child,
  status: 200 | 401 | 403 | 404 | 409 | 422 | 429 = 200,
): Promise<Response> {
  return c.html(await renderDocument(page), status);
}

/** True for API and `.json` requests, which get JSON errors instead of pages. */
export function wantsJson(c: AppContext): boolean {
  const path = new URL(c.req.url).pathname;
  if (path.startsWith('/api/') || path.endsWith('.json')) return true;
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function ErrorPage(props: { page: PageContext; title: string; message: string; code?: string }) {
  return (
    <Layout page={props.page} title={props.title}>
      <h1>{props.title}</h1>
      <Flash kind="error">{props.message}</Flash>
      {props.code && <p class="muted">{props.code}</p>}
      <p>
        <a href="/">{props.page.t('error.back')}</a>
      </p>
    </Layout>
  );
}
