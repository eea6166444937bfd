import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenStreamRequest {
  url: string;
  headers: IncomingHttpHeaders;
  atMs: number;
  /** Set when the client went away (abort, watchdog, or the server ended it). */
  closedAtMs: number | null;
}

/** Answers the nth request (0-based); it may keep the response open for as long as it likes. */
export type StreamHandler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export interface SseTestServer {
  url: string;
  requests: SeenStreamRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 for the stream client's tests; each test scripts its answers. */
export async function startSseTestServer(handler: StreamHandler): Promise<SseTestServer> {
  const requests: SeenStreamRequest[] = [];
  const server = createServer((req, res) => {
    const seen: SeenStreamRequest = {
      url: req.url!,
      headers: req.headers,
      atMs: Date.now(),
      closedAtMs: null,
    };
    requests.push(seen);
    res.on('close', () => (seen.closedAtMs = Date.now()));
    handler(req, res, requests.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts a 200 `text/event-stream` answer. */
export function beginStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/** One frame in the server's format. */
export function frame(f: { event?: string; id?: string; data?: unknown; retry?: number }): string {
  let out = '';
  if (f.retry !== undefined) out += `retry: ${f.retry}\n`;
  if (f.id !== undefined) out += `id: ${f.id}\n`;
  if (f.event !== undefined) out += `event: ${f.event}\n`;
  if (f.data !== undefined) out += `data: ${JSON.stringify(f.data)}\n`;
  return `${out}\n`;
}

export function connectedFrame(
  heartbeatIntervalMs = 30_000,
  resumedAfter: string | null = null,
  headEventId?: string,
): string {
  return frame({
    event: 'x_exec.connection.connected',
    data: {
      connection_id: 'conn_1',
      project_id: 'proj_1',
      server_time: new Date().toISOString(),
      delivery: 'signal',
      poll_interval_ms: 2000,
      heartbeat_interval_ms: heartbeatIntervalMs,
      max_duration_s: 3600,
      resumed_after: resumedAfter,
      ...(headEventId === undefined ? {} : { head_event_id: headEventId }),
    },
  });
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  503: 'server_error',
};

/** A JSON error envelope, as the server sends before a stream starts. */
export function errorReply(
  res: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_sse', ...headers }).end(
    JSON.stringify({
      error: { message: `refused: ${code}`, type: ERROR_TYPES[status], code, param: null },
    }),
  );
}
