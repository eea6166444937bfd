import type { IncomingMessage } from 'node:http';
import { randomToken } from '../ids';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Keeps a caller's X-Request-ID when it is sane, so logs correlate across hops; else mints one. */
export function genRequestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SAFE_ID.test(given)) return given;
  return `req_${randomToken(20)}`;
}
