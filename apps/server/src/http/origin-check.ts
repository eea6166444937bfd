import type { FastifyRequest } from 'fastify';

/**
 * A state-changing browser request must come from our own origin. Browsers send Origin on
 * cross-site POSTs and Sec-Fetch-Site on all modern requests; clients that send neither
 * (curl, xeroctl) pass here and still need the CSRF token.
 */
export function isSameOriginRequest(req: FastifyRequest, baseUrl: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    // A page served with `Referrer-Policy: no-referrer` (all of /ops) makes the browser send
    // `Origin: null` on its form posts (the approval link and invitation pages). Opaque origins
    // (sandboxed frames, data: URLs) get the same value, so only the browser's own
    // Sec-Fetch-Site, which no page can set, tells them apart.
    if (origin === 'null') return req.headers['sec-fetch-site'] === 'same-origin';
    const allowed = new Set([new URL(baseUrl).origin]);
    const host = req.headers.host;
    if (host) allowed.add(`${req.protocol}://${host}`);
    return allowed.has(origin);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  return true;
}

export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
