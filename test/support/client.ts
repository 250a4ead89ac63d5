import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import type { AppEnv } from '../../src/core/http/context.ts';
import type { TestApp } from './app.ts';

const ORIGIN = 'http://127.0.0.1:8080';

/**
 * A tiny browser for in-process HTTP tests: keeps cookies, sends forms with the CSRF token the
 * last page carried and the same-origin header a browser sends.
 */
export class TestClient {
  readonly app: Hono<AppEnv>;
  cookies = new Map<string, string>();
  csrf = '';

  constructor(app: Hono<AppEnv>) {
    this.app = app;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (!name) continue;
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0/i.test(header))
        this.cookies.delete(name);
      else this.cookies.set(name, value ?? '');
    }
  }

  /** GETs a page; remembers its CSRF token. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await this.app.request(`${ORIGIN}${path}`, { headers: this.headers(headers) });
    this.remember(response);
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/html')) {
      const text = await response.clone().text();
      const match = /name="_csrf" value="([^"]+)"/.exec(text);
      if (match?.[1]) this.csrf = match[1];
    }
    return response;
  }

  /** POSTs a form as a browser would, with the CSRF token unless `csrf: false`. */
  async post(
    path: string,
    fields: Record<string, string> = {},
    options: { csrf?: boolean; origin?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (options.csrf !== false && !('_csrf' in fields)) body.set('_csrf', this.csrf);
    const response = await this.app.request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: this.headers({
        'content-type': 'application/x-www-form-urlencoded',
        origin: options.origin ?? ORIGIN,
        ...options.headers,
      }),
      body: body.toString(),
    });
    this.remember(response);
    return response;
  }

  /** POSTs a multipart form with one file. */
  async upload(
    path: string,
    field: string,
    fileName: string,
    content: string | Uint8Array,
    fields: Record<string, string> = {},
  ): Promise<Response> {
    const form = new FormData();
    form.set('_csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set(field, new Blob([content]), fileName);
    const response = await this.app.request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: this.headers({ origin: ORIGIN }),
      body: form,
    });
    this.remember(response);
    return response;
  }

  /** Logs in through the login form; throws unless it succeeded. */
  async login(username: string, password: string): Promise<void> {
    await this.get('/login');
    const response = await this.post('/login', { username, password, next: '' });
    if (response.status !== 303)
      throw new Error(`login of ${username} failed with ${response.status}`);
    await this.get('/');
  }
}

/**
 * A member's browser, logged in to the portal the only way members get in: the one-time link
 * mailed to `email` (GET shows the confirmation, POST uses it). Ends on `landing`, whose page
 * gives the CSRF token for the next form.
 */
export async function memberPortalClient(
  t: Pick<TestApp, 'app' | 'mail' | 'settle'>,
  email: string,
  landing = '/me',
): Promise<TestClient> {
  const client = new TestClient(t.app);
  await client.get('/login/member');
  await client.post('/login/member', { email });
  await t.settle();
  const mail = t.mail.sent.findLast((sent) => sent.to === email);
  const link = /(\/login\/link\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] ?? '';
  await client.get(link);
  assert.equal((await client.post(link)).status, 303, `the login link mailed to ${email} works`);
  await client.get(landing);
  return client;
}

/**
 * Logs in to a treff server running as its own process at `base` (the login form, its CSRF
 * token, the same-origin header) and returns the session's `cookie` header.
 * @throws Error when the login is not answered with a redirect and a session cookie
 */
export async function loginOverHttp(
  base: string,
  username: string,
  password: string,
): Promise<string> {
  const page = await (await fetch(`${base}/login`)).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ _csrf: token, username, password }).toString(),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (response.status !== 303 || !cookie) throw new Error(`login failed: ${response.status}`);
  return cookie;
}
