import type { IncomingMessage, ServerResponse } from 'node:http';
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

/**
 * One answer, made once and sent as often as asked: the status, the header object and the body
 * (null for none). Sending one is writing these out; nothing is computed per request.
 */
export interface Answer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Uint8Array | null;
}

function textAnswer(status: number, text: string): Answer {
  const body = new TextEncoder().encode(text);
  return {
    status,
    headers: {
      ...COMMON_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
    },
    body,
  };
}

const NOT_FOUND = textAnswer(404, 'Not found\n');
const NOT_ALLOWED: Answer = {
  status: 405,
  headers: { ...COMMON_HEADERS, Allow: 'GET, HEAD, OPTIONS', 'Content-Length': '0' },
  body: null,
};

/** The headers of a key answer, made once per key when the directory is built. */
export function keyHeaders(body: Uint8Array, etag: string): Readonly<Record<string, string>> {
  return {
    ...COMMON_HEADERS,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(body.length),
    ETag: etag,
  };
}

function keyAnswer(entry: DirectoryEntry, ifNoneMatch: string | undefined): Answer {
  if (ifNoneMatch === entry.etag)
    return { status: 304, headers: { ...COMMON_HEADERS, ETag: entry.etag }, body: null };
  return { status: 200, headers: entry.headers, body: entry.body };
}

/** What a CORS preflight is answered with, besides {@link COMMON_HEADERS}. */
export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-OpenPGP-Padding',
  'Access-Control-Max-Age': '86400',
} as const;

function preflight(asked: string | undefined): Answer {
  return {
    status: 204,
    headers: {
      ...COMMON_HEADERS,
      ...PREFLIGHT_HEADERS,
      // Echo what the browser asks for (only header-name characters), else the default list.
      ...(asked && /^[A-Za-z0-9, -]{1,500}$/.test(asked)
        ? { 'Access-Control-Allow-Headers': asked }
        : {}),
    },
    body: null,
  };
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

/** Whether a request target's path is under the WKD prefix. */
function isWkdTarget(target: string): boolean {
  if (!target.startsWith(WKD_PREFIX)) return false;
  const next = target.charAt(WKD_PREFIX.length);
  return next === '' || next === '/' || next === '?';
}

/** Whether a request's path is under the WKD prefix. */
export function isWkdRequest(request: Request, env?: unknown): boolean {
  return isWkdTarget(targetOf(request, env));
}

/** What an answer depends on besides the path: read from Node's request or a fetch Request. */
interface Asked {
  method: string;
  target: string;
  header(name: 'if-none-match' | 'access-control-request-headers'): string | undefined;
}

/**
 * The WKD over a {@link KeyDirectory}, as a function from the request to a precomputed
 * {@link Answer}. A lookup for another domain than `services.wkd.domain` (compared
 * ASCII-case-insensitively: some clients keep the case the user typed) is a 404. Without
 * `services.wkd` every path is a 404. GET and HEAD (same headers, no body), OPTIONS for CORS
 * preflights; other methods get 405.
 */
function wkdAnswers(
  deps: Pick<Deps, 'config'>,
  directory: KeyDirectory,
): (asked: Asked) => Answer | Promise<Answer> {
  const domain = deps.config.services.wkd?.domain;
  const policy = textAnswer(200, policyText(deps.config));
  const submission = submissionAddress(deps.config);
  const submissionFile = submission ? textAnswer(200, `${submission}\n`) : NOT_FOUND;

  return (asked) => {
    const method = asked.method;
    if (method === 'OPTIONS') return preflight(asked.header('access-control-request-headers'));
    if (method !== 'GET' && method !== 'HEAD') return NOT_ALLOWED;
    const path = pathOf(asked.target);
    if (!domain || path === null) return NOT_FOUND;
    // ['', 'hu', HASH] | ['', 'policy'] | ['', DOMAIN, 'hu', HASH] | ['', DOMAIN, 'policy'] …
    const parts = path.slice(WKD_PREFIX.length).split('/');
    let file = parts.slice(1);
    if (file.length >= 2 && file[0] !== 'hu') {
      if (asciiLower(file[0] ?? '') !== domain) return NOT_FOUND;
      file = file.slice(1);
    }
    const [first, hash, ...rest] = file;
    if (rest.length > 0) return NOT_FOUND;
    if (first === 'policy' && hash === undefined) return policy;
    if (first === 'submission-address' && hash === undefined) return submissionFile;
    if (first !== 'hu' || hash === undefined || !WKD_HASH.test(hash)) return NOT_FOUND;
    const answer = (entry: DirectoryEntry | undefined) =>
      entry ? keyAnswer(entry, asked.header('if-none-match')) : NOT_FOUND;
    const found = directory.lookup(hash);
    return found instanceof Promise ? found.then(answer) : answer(found);
  };
}

function toResponse(answer: Answer, head: boolean): Response {
  // Plain Response with a plain header object: the Node adapter writes that straight out.
  return new Response(head ? null : (answer.body as Uint8Array<ArrayBuffer> | null), {
    status: answer.status,
    headers: answer.headers,
  });
}

/** The WKD as a fetch handler (treff's web app, tests), see {@link wkdAnswers}. */
export function wkdHandler(
  deps: Pick<Deps, 'config'>,
  directory: KeyDirectory,
): (request: Request, env?: unknown) => Response | Promise<Response> {
  const answers = wkdAnswers(deps, directory);
  return (request, env) => {
    const head = request.method === 'HEAD';
    const found = answers({
      method: request.method,
      target: targetOf(request, env),
      header: (name) => request.headers.get(name) ?? undefined,
    });
    return found instanceof Promise
      ? found.then((answer) => toResponse(answer, head))
      : toResponse(found, head);
  };
}

/** A Node request listener that answers WKD requests and returns false for everything else. */
export type WkdNodeListener = (request: IncomingMessage, response: ServerResponse) => boolean;

function send(response: ServerResponse, answer: Answer, head: boolean): void {
  response.writeHead(answer.status, answer.headers);
  response.end(head || answer.body === null ? undefined : answer.body);
}

/**
 * The WKD on Node's own request and response, in front of the web app's adapter (`treff serve`):
 * no fetch Request or Response is made, the precomputed header object and body are written
 * straight out. This is what brings a lookup close to nginx's rate (bench/wkd.ts). Same answers
 * as {@link wkdHandler}.
 */
export function wkdNodeListener(
  deps: Pick<Deps, 'config'>,
  directory: KeyDirectory,
): WkdNodeListener {
  const answers = wkdAnswers(deps, directory);
  return (request, response) => {
    const target = request.url ?? '';
    if (!isWkdTarget(target)) return false;
    const head = request.method === 'HEAD';
    const found = answers({
      method: request.method ?? 'GET',
      target,
      header: (name) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      },
    });
    if (found instanceof Promise) {
      found.then(
        (answer) => {
          send(response, answer, head);
        },
        () => {
          response.writeHead(500, COMMON_HEADERS).end();
        },
      );
    } else send(response, found, head);
    return true;
  };
}
