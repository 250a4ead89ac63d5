import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The client's IP address as this server sees it, for rate limits only (it is never logged or
 * stored). Behind a trusted reverse proxy on the same machine (`web.trustProxy`) it is the last
 * entry of `X-Forwarded-For`, the one that proxy wrote (the rendered nginx config sets the header
 * to `$remote_addr`, so a client cannot put its own entries there); otherwise the socket's peer.
 * Null when neither is known (an in-process request).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    // Not served from a Node socket (an in-process request): no address.
    return null;
  }
}
