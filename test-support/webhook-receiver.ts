import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch, this process's clock). */
  at: number;
}

/** What the receiver answers to its n-th request (1-based) on a path. */
export type Responder = (
  n: number,
  req: ReceivedRequest,
) => { status: number; body?: string; delayMs?: number };

/**
 * A real HTTP endpoint on 127.0.0.1 that records every request and answers as told, per path
 * (`/a`, `/b`, … stand for separate webhook endpoints). Default answer: 200 `ok`.
 */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; append a path. */
  baseUrl: string;
  requests: ReceivedRequest[];
  on(path: string, responder: Responder): void;
  received(path: string): ReceivedRequest[];
  /** Resolves once `path` received at least `n` requests. */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const responders = new Map<string, Responder>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const r: ReceivedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(r);
      const n = requests.filter((x) => x.path === path).length;
      const answer = responders.get(path)?.(n, r) ?? { status: 200, body: 'ok' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  const received = (path: string) => requests.filter((r) => r.path === path);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    on: (path, responder) => void responders.set(path, responder),
    received,
    waitFor: async (path, n, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (received(path).length < n) {
        if (Date.now() > until) {
          throw new Error(`receiver: ${path} got ${received(path).length} of ${n} requests in time`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return received(path);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/**
 * Checks a delivery the way docs/webhooks.md tells receivers to: HMAC-SHA256 with the secret
 * over `<X-Xem-Timestamp>.<raw body>`, compared in constant time with `X-Xem-Signature`.
 */
export function verifySignature(secret: string, req: ReceivedRequest): boolean {
  const timestamp = String(req.headers['x-xem-timestamp'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${req.body}`).digest('hex')}`;
  const given = Buffer.from(String(req.headers['x-xem-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}
