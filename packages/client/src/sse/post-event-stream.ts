import type { SseEvent } from '@xem/protocol';
import { errorFromResponse } from '../error-from-response';
import { buildRequest, type Transport } from '../send-request';
import { XemApiError } from '../xem-api-error';
import { describeCause, XemConnectionError } from '../xem-connection-error';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, HEARTBEAT_TIMEOUT_FACTOR } from './open-event-stream';
import { SseParser } from './sse-parser';

/** The data of the line that ends a streamed POST (`data: [DONE]`), as in OpenAI's streams. */
export const DONE_DATA = '[DONE]';

export interface PostEventStreamSpec<T> {
  path: string;
  body: unknown;
  /** Turns a frame into a typed event; undefined skips it; a throw ends the stream with that error. */
  decode: (event: SseEvent) => T | undefined;
  /** Aborting it ends the iteration (and the request) without an error. */
  signal?: AbortSignal | undefined;
  /** No byte for this long ends it with an error. Default: 2.5 × the server's heartbeat interval, else 75 s. */
  heartbeatTimeoutMs?: number | undefined;
}

/**
 * A POST whose answer is a Server-Sent Events stream that ends with `data: [DONE]`, as an async
 * iterable of its decoded frames. One request, never repeated (a POST is not safe to resend):
 * a refusal before the stream starts throws the server's error from the first `next()`; a body
 * that ends before `[DONE]`, or goes silent past the heartbeat timeout, throws; leaving the loop
 * early (`break`) or aborting `signal` closes the connection.
 */
export async function* postEventStream<T>(t: Transport, spec: PostEventStreamSpec<T>): AsyncGenerator<T> {
  const { url, init } = buildRequest(
    t,
    { method: 'POST', path: spec.path, body: spec.body },
    'text/event-stream',
  );
  const request = new AbortController();
  const abort = () => request.abort();
  if (spec.signal?.aborted) return;
  spec.signal?.addEventListener('abort', abort, { once: true });
  let heartbeatMs: number | null = null;
  let stalledMs: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armWatchdog = () => {
    clearTimeout(timer);
    const ms =
      spec.heartbeatTimeoutMs ??
      (heartbeatMs !== null && heartbeatMs > 0
        ? Math.round(heartbeatMs * HEARTBEAT_TIMEOUT_FACTOR)
        : DEFAULT_HEARTBEAT_TIMEOUT_MS);
    timer = setTimeout(() => {
      stalledMs = ms;
      request.abort();
    }, ms);
  };
  const lost = (err: unknown): Error =>
    stalledMs !== null
      ? new Error(`no data from ${url.origin} for ${stalledMs} ms (heartbeat missed)`, { cause: err })
      : new Error(`lost the stream from ${url.origin}: ${describeCause(err)}`, { cause: err });
  try {
    armWatchdog();
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: request.signal });
    } catch (err) {
      if (spec.signal?.aborted) return;
      throw stalledMs === null ? new XemConnectionError(url.origin, err) : lost(err);
    }
    armWatchdog();
    if (!res.ok) throw errorFromResponse(res, await res.text());
    const type = res.headers.get('content-type') ?? '';
    if (!/^text\/event-stream\b/i.test(type) || !res.body) {
      throw new XemApiError({
        status: res.status,
        code: 'unexpected_response',
        message: `POST ${url.pathname} answered ${type || 'no content type'}, not text/event-stream`,
        requestId: res.headers.get('x-request-id'),
      });
    }
    const pending: SseEvent[] = [];
    const parser = new SseParser({ onEvent: (e) => pending.push(e) });
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (spec.signal?.aborted && stalledMs === null) return;
        throw lost(err);
      }
      if (chunk.done) parser.end();
      else {
        parser.push(chunk.value);
        armWatchdog();
      }
      while (pending.length > 0) {
        const e = pending.shift()!;
        if (e.data === DONE_DATA) return;
        if (e.event.endsWith('.connection.connected')) {
          heartbeatMs = heartbeatIntervalOf(e);
          armWatchdog();
        }
        const decoded = spec.decode(e);
        if (decoded !== undefined) yield decoded;
      }
      if (chunk.done)
        throw new Error(`the server ended the stream of POST ${url.pathname} before ${DONE_DATA}`);
    }
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', abort);
    request.abort(); // lets go of the connection when the loop stopped early
  }
}

/** The connected frame's heartbeat interval, when it names one; the watchdog adapts to it. */
function heartbeatIntervalOf(e: SseEvent): number | null {
  try {
    const value = (JSON.parse(e.data) as { heartbeat_interval_ms?: unknown }).heartbeat_interval_ms;
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}
