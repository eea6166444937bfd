import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

/** One frame as the server wrote it (fields of one blank-line-terminated block). */
export interface Frame {
  event: string | null;
  id: string | null;
  retry: string | null;
  data: unknown;
}

export interface TestStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The whole body when the server answered with an error instead of a stream. */
  errorBody: unknown;
  frames: Frame[];
  /** Only frames that carry a fact (an `id:`). */
  facts(): Frame[];
  waitFor(pred: (f: Frame) => boolean, what: string, timeoutMs?: number): Promise<Frame>;
  /** Resolves when the server ends the response (or the socket closes). */
  ended: Promise<void>;
  isEnded(): boolean;
  response: http.IncomingMessage;
  close(): void;
}

/** Starts the test app on a loopback port (streams need a real socket) and returns its base URL. */
export async function listenApp(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

function parseBlock(block: string): Frame {
  const f: Frame = { event: null, id: null, retry: null, data: null };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') f.event = value;
    else if (field === 'id') f.id = value;
    else if (field === 'retry') f.retry = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length > 0) f.data = JSON.parse(data.join('\n'));
  return f;
}

/** Opens an SSE stream with plain node:http (so a test can also stop reading it). */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<TestStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const frames: Frame[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let ended = false;
      let errorText = '';
      const isStream =
        res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/event-stream');
      const ended$ = new Promise<void>((done) => {
        const end = () => {
          ended = true;
          for (const w of waiters) w();
          done();
        };
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!isStream) {
          errorText += chunk;
          return;
        }
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseBlock(buffer.slice(0, at)));
          buffer = buffer.slice(at + 2);
        }
        for (const w of waiters) w();
      });
      const stream: TestStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get errorBody() {
          return errorText ? JSON.parse(errorText) : null;
        },
        frames,
        facts: () => frames.filter((f) => f.id !== null),
        waitFor: (pred, what, timeoutMs = 5000) =>
          new Promise((ok, fail) => {
            const check = () => {
              const hit = frames.find(pred);
              if (hit) return finish(() => ok(hit));
              if (ended) finish(() => fail(new Error(`stream ended before ${what}`)));
            };
            const timer = setTimeout(
              () =>
                finish(() =>
                  fail(
                    new Error(
                      `timed out waiting for ${what}; got ${JSON.stringify(frames.map((f) => f.event))}`,
                    ),
                  ),
                ),
              timeoutMs,
            );
            const finish = (fn: () => void) => {
              clearTimeout(timer);
              waiters.delete(check);
              fn();
            };
            waiters.add(check);
            check();
          }),
        ended: ended$,
        isEnded: () => ended,
        response: res,
        close: () => req.destroy(),
      };
      if (!isStream) res.on('end', () => resolve(stream));
      else resolve(stream);
    });
    req.on('error', reject);
  });
}
