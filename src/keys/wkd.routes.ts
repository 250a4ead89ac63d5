import type { Deps } from '../core/deps.ts';
import type { DirectoryEntry, KeyDirectory } from './directory.ts';
import { submissionAddress } from './submission-key.ts';
import { asciiLower, WKD_HASH } from './zbase32.ts';

/**
 * The Web Key Directory over HTTP (draft-koch-openpgp-webkey-service-22 §3.1, §4; wkd.md §5.3),
 * both methods on whatever host the request came to:
 * - direct:   `/.well-known/openpgpkey/hu/HASH`, `…/policy`, `…/submission-address`
 * - advanced: `/.well-known/openpgpkey/DOMAIN/hu/HASH` and the same files (the host
 *   `openpgpkey.DOMAIN` proxied to treff; the apex answers too, for clients that forget the
 *   prefix, such as Mailvelope).
 * These are public: no session, no cookie; `Authorization` (Thunderbird sends Basic auth) and
 * `?l=` are ignored, so the answer is never 401 and never a redirect. Every answer, 404
 * included, carries `Access-Control-Allow-Origin: *` for browser clients. No directory index.
 *
 * A plain fetch handler with its own routing instead of a router: the paths are few and fixed,
 * and a lookup should cost little more than a map access (bench/wkd.ts).
 */

/** The path prefix of the Web Key Directory. */
export const WKD_PREFIX = '/.well-known/openpgpkey';

/** The policy file: every line, the last one included, ends in LF (GnuPG's parser needs it). */
export function policyText(config: Deps['config']): string {
  const lines = ['# Web Key Directory policy (draft-koch-openpgp-webkey-service-22, section 4.5)'];
  // Advertised only with WKS on; no mailbox-only (gpg-wks-client would add a UID to the key),
  // no auth-submit, no protocol-version (GnuPG 2.2 speaks draft version 3).
  const submission = submissionAddress(config);
  if (submission) lines.push(`submission-address: ${submission}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Headers of every WKD answer (these routes run without the web frame's security headers); the
 * rendered nginx sends the same when it serves the export (services/nginx).
 */
export const COMMON_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

const NOT_FOUND = new TextEncoder().encode('Not found\n');

function textResponse(status: number, body: Uint8Array, head: boolean): Response {
  // Plain Response with a plain header object: the Node adapter writes that straight out.
  return new Response(head ? null : (body as Uint8Array<ArrayBuffer>), {
    status,
    headers: {
      ...COMMON_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
    },
  });
}

/** The headers of a key answer, made once per key when the directory is built. */
export function keyHeaders(body: Uint8Array, etag: string): Readonly<Record<string, string>> {
  return {
    ...COMMON_HEADERS,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(body.length),
    ETag: etag,
  };
}

function keyResponse(entry: DirectoryEntry, ifNoneMatch: string | null, head: boolean): Response {
  if (ifNoneMatch === entry.etag)
    return new Response(null, { status: 304, headers: { ...COMMON_HEADERS, ETag: entry.etag } });
  return new Response(head ? null : (entry.body as Uint8Array<ArrayBuffer>), {
    status: 200,
    headers: entry.headers,
  });
}

/** What a CORS preflight is answered with, besides {@link COMMON_HEADERS}. */
export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-OpenPGP-Padding',
  'Access-Control-Max-Age': '86400',
} as const;

function preflight(request: Request): Response {
  const asked = request.headers.get('access-control-request-headers') ?? '';
  return new Response(null, {
    status: 204,
    headers: {
      ...COMMON_HEADERS,
      ...PREFLIGHT_HEADERS,
      // Echo what the browser asks for (only header-name characters), else the default list.
      ...(/^[A-Za-z0-9, -]{1,500}$/.test(asked) ? { 'Access-Control-Allow-Headers': asked } : {}),
    },
  });
}

/** The raw request target: Node's own when the adapter passes it (cheaper than `url`). */
function targetOf(request: Request, env: unknown): string {
  const incoming = (env as { incoming?: { url?: unknown } } | undefined)?.incoming;
  if (typeof incoming?.url === 'string' && incoming.url.startsWith('/')) return incoming.url;
  const url = request.url;
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

/** The path of a request target without the query, percent-decoded; null if undecodable. */
function pathOf(target: string): string | null {
  const query = target.indexOf('?');
  const raw = query === -1 ? target : target.slice(0, query);
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Whether a request's path is under the WKD prefix. */
export function isWkdRequest(request: Request, env?: unknown): boolean {
  const target = targetOf(request, env);
  if (!target.startsWith(WKD_PREFIX)) return false;
  const next = target.charAt(WKD_PREFIX.length);
  return next === '' || next === '/' || next === '?';
}

/** The If-None-Match header, read from Node's parsed headers when the adapter passes them. */
function ifNoneMatch(request: Request, env: unknown): string | null {
  const incoming = (env as { incoming?: { headers?: Record<string, unknown> } } | undefined)
    ?.incoming;
  if (incoming?.headers) {
    const value = incoming.headers['if-none-match'];
    return typeof value === 'string' ? value : null;
  }
  return request.headers.get('if-none-match');
}

/**
 * The WKD as a fetch handler over a {@link KeyDirectory}. A lookup for another domain than
 * `services.wkd.domain` (compared ASCII-case-insensitively: some clients keep the case the user
 * typed) is a 404. Without `services.wkd` every path is a 404. GET and HEAD (same headers, no
 * body), OPTIONS for CORS preflights; other methods get 405.
 */
export function wkdHandler(
  deps: Pick<Deps, 'config'>,
  directory: KeyDirectory,
): (request: Request, env?: unknown) => Response | Promise<Response> {
  const domain = deps.config.services.wkd?.domain;
  const encoder = new TextEncoder();
  const policy = encoder.encode(policyText(deps.config));
  const submission = submissionAddress(deps.config);
  const submissionFile = submission ? encoder.encode(`${submission}\n`) : null;

  return (request, env) => {
    const method = request.method;
    if (method === 'OPTIONS') return preflight(request);
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      return new Response(null, {
        status: 405,
        headers: { ...COMMON_HEADERS, Allow: 'GET, HEAD, OPTIONS' },
      });
    }
    const path = pathOf(targetOf(request, env));
    if (!domain || path === null) return textResponse(404, NOT_FOUND, head);
    // ['', 'hu', HASH] | ['', 'policy'] | ['', DOMAIN, 'hu', HASH] | ['', DOMAIN, 'policy'] …
    const parts = path.slice(WKD_PREFIX.length).split('/');
    let file = parts.slice(1);
    if (file.length >= 2 && file[0] !== 'hu') {
      if (asciiLower(file[0] ?? '') !== domain) return textResponse(404, NOT_FOUND, head);
      file = file.slice(1);
    }
    const [first, hash, ...rest] = file;
    if (rest.length > 0) return textResponse(404, NOT_FOUND, head);
    if (first === 'policy' && hash === undefined) return textResponse(200, policy, head);
    if (first === 'submission-address' && hash === undefined) {
      return submissionFile
        ? textResponse(200, submissionFile, head)
        : textResponse(404, NOT_FOUND, head);
    }
    if (first !== 'hu' || hash === undefined || !WKD_HASH.test(hash))
      return textResponse(404, NOT_FOUND, head);
    const answer = (entry: DirectoryEntry | undefined) =>
      entry
        ? keyResponse(entry, ifNoneMatch(request, env), head)
        : textResponse(404, NOT_FOUND, head);
    const found = directory.lookup(hash);
    return found instanceof Promise ? found.then(answer) : answer(found);
  };
}
