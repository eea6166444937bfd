import { StreamClosing, StreamConnected, type SseEvent } from '@xem/protocol';
import { errorFromResponse } from '../error-from-response';
import { XemApiError } from '../xem-api-error';
import { describeCause, XemConnectionError } from '../xem-connection-error';
import { AsyncQueue } from './async-queue';
import { parseEventData } from './parse-event-data';
import { reconnectDelayMs, retryAfterMs } from './reconnect-delay';
import { SseParser } from './sse-parser';
import type { StreamStatus } from './stream-status';
import { XemStreamEndedError } from './xem-stream-ended-error';

/** The reconnection base until the server sends `retry:`. */
export const DEFAULT_RETRY_MS = 2_000;
export const DEFAULT_MAX_RETRY_MS = 30_000;
/** Silence allowed before the connected frame has said how often heartbeats come. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 75_000;
/** A heartbeat may be a poll or two late; 2.5 intervals of silence means the connection is dead. */
export const HEARTBEAT_TIMEOUT_FACTOR = 2.5;
export const DEFAULT_OFFLINE_AFTER_FAILURES = 3;

export interface EventStreamOptions<T> {
  url: string | URL;
  /** E.g. `authorization`; `accept` and `last-event-id` are set by the stream. */
  headers?: Record<string, string> | undefined;
  /** `include` for the cookie-authenticated `/ops/stream` from another origin. */
  credentials?: RequestInit['credentials'] | undefined;
  /** Resume after this event id (e.g. kept across a page reload). */
  lastEventId?: string | null | undefined;
  /** Turns a frame into a typed event; undefined skips it; a throw closes the stream with that error. */
  decode: (event: SseEvent) => T | undefined;
  onEvent?: ((event: T) => void) | undefined;
  onStatus?: ((status: StreamStatus) => void) | undefined;
  /** Aborting it closes the stream (like `close()`). */
  signal?: AbortSignal | undefined;
  /** Reconnect after this long without a byte. Default: 2.5 × the server's heartbeat interval, else 75 s. */
  heartbeatTimeoutMs?: number | undefined;
  /** Reconnection base until the server's `retry:` replaces it. Default 2 s. */
  retryMs?: number | undefined;
  /** Cap of the exponential backoff (not of a server's Retry-After). Default 30 s. */
  maxRetryMs?: number | undefined;
  /** Failed attempts in a row after which the state is `offline` rather than `reconnecting`. Default 3. */
  offlineAfterFailures?: number | undefined;
}

/** Events by callback (`onEvent`) or by `for await`, which should start right after opening. */
export interface EventStream<T> extends AsyncIterable<T> {
  readonly status: StreamStatus;
  /** Resolves once closed by the caller; rejects with the error that ended the stream for good. */
  readonly done: Promise<void>;
  close(): void;
}

/**
 * Opens a Server-Sent Events stream over `fetch` (Node 20 and browsers, headers allowed, unlike
 * EventSource) and keeps it open until closed or refused for good:
 * - a dropped connection, a 5xx, 408 or 429 is retried with exponential backoff and jitter from
 *   the server's `retry:`, never sooner than its `Retry-After`, resuming with `Last-Event-ID`;
 * - `*.connection.closing` with `reconnect: true` reconnects at once, with `reconnect: false`
 *   ends it (XemStreamEndedError);
 * - no byte for `heartbeatTimeoutMs` aborts the connection and reconnects;
 * - any other 4xx, a body that is not `text/event-stream`, or a payload the decoder refuses
 *   ends it with that error.
 */
export function openEventStream<T>(options: EventStreamOptions<T>): EventStream<T> {
  return new EventStreamConnection(options);
}

type Attempt =
  | { kind: 'stopped' }
  | { kind: 'fatal'; error: Error }
  | {
      kind: 'retry';
      error: Error | null;
      wentLive: boolean;
      immediate: boolean;
      retryAfterMs: number | null;
    };

/**
 * States (StreamStatus.state): connecting → live; live → reconnecting (dropped, silent, closing
 * with reconnect) → live again; failed attempts in a row → reconnecting, then offline; any state →
 * closed (caller, or an error retrying cannot fix). Only one connection is open at a time.
 */
class EventStreamConnection<T> implements EventStream<T> {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  /** Aborted by close(), the caller's signal, or a callback or decoder that threw. */
  private readonly stop = new AbortController();
  /** Why the stream stops when it was not the caller's choice. */
  private fatal: Error | null = null;
  private readonly queues = new Set<AsyncQueue<T>>();
  private current: StreamStatus;
  private retryMs: number;
  private serverHeartbeatMs: number | null = null;
  private failures = 0;
  private readonly onCallerAbort = () => this.stop.abort();

  constructor(private readonly options: EventStreamOptions<T>) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers that only use onEvent/onStatus need not await `done`.
    this.done.catch(() => {});
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.current = {
      state: 'connecting',
      error: null,
      lastEventAtMs: null,
      lastEventId: options.lastEventId || null,
      failures: 0,
      retryInMs: null,
    };
    if (options.signal?.aborted) this.stop.abort();
    else options.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    // Start after the caller holds the handle, so its callbacks may refer to it.
    queueMicrotask(() => void this.run());
  }

  get status(): StreamStatus {
    return this.current;
  }

  close(): void {
    this.stop.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const queue: AsyncQueue<T> = new AsyncQueue<T>(() => {
      this.queues.delete(queue);
      this.close();
    });
    if (this.current.state === 'closed') queue.end(this.fatal);
    else this.queues.add(queue);
    return queue;
  }

  private async run(): Promise<void> {
    try {
      this.emitStatus();
      while (!this.stop.signal.aborted) {
        const attempt = await this.attempt();
        if (attempt.kind === 'stopped') break;
        if (attempt.kind === 'fatal') return this.finish(attempt.error);
        this.failures = attempt.wentLive ? 0 : this.failures + 1;
        const delayMs = attempt.immediate
          ? 0
          : reconnectDelayMs({
              failures: Math.max(1, this.failures),
              baseMs: this.retryMs,
              maxMs: this.options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS,
              retryAfterMs: attempt.retryAfterMs,
              random: Math.random,
            });
        const offlineAfter = this.options.offlineAfterFailures ?? DEFAULT_OFFLINE_AFTER_FAILURES;
        this.setStatus({
          state: this.failures >= offlineAfter ? 'offline' : 'reconnecting',
          error: attempt.error,
          retryInMs: delayMs,
        });
        await sleep(delayMs, this.stop.signal);
      }
      this.finish(this.fatal);
    } catch (err) {
      this.finish(toError(err));
    }
  }

  /** One connection, from the request to the end of its body. */
  private async attempt(): Promise<Attempt> {
    const url = new URL(this.options.url);
    const request = new AbortController();
    const abort = () => request.abort();
    this.stop.signal.addEventListener('abort', abort);
    let stalledMs: number | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const armWatchdog = () => {
      clearTimeout(timer);
      const ms = this.heartbeatTimeoutMs();
      timer = setTimeout(() => {
        stalledMs = ms;
        request.abort();
      }, ms);
    };
    let wentLive = false;
    try {
      armWatchdog();
      const headers: Record<string, string> = {
        ...this.options.headers,
        accept: 'text/event-stream',
        'cache-control': 'no-cache',
      };
      if (this.current.lastEventId) headers['last-event-id'] = this.current.lastEventId;
      const res = await fetch(url, {
        headers,
        credentials: this.options.credentials,
        signal: request.signal,
      });
      armWatchdog();
      if (res.status !== 200) return await this.refused(res);
      const type = res.headers.get('content-type') ?? '';
      if (!/^text\/event-stream\b/i.test(type) || !res.body) {
        const message = `${url.pathname} answered ${type || 'no content type'}, not text/event-stream`;
        return {
          kind: 'fatal',
          error: new XemApiError({ status: 200, code: 'unexpected_response', message }),
        };
      }
      wentLive = true;
      this.failures = 0;
      this.setStatus({ state: 'live', error: null, retryInMs: null });
      const closing = await this.read(res.body, armWatchdog);
      if (closing === null) {
        const error = new Error(`the server ended the stream of ${url.pathname} without a closing frame`);
        return { kind: 'retry', error, wentLive, immediate: false, retryAfterMs: null };
      }
      if (!closing.reconnect) return { kind: 'fatal', error: new XemStreamEndedError(closing.reason) };
      return { kind: 'retry', error: null, wentLive, immediate: true, retryAfterMs: null };
    } catch (err) {
      if (this.stop.signal.aborted) return { kind: 'stopped' };
      const error =
        stalledMs !== null
          ? new Error(`no data from ${url.origin} for ${stalledMs} ms (heartbeat missed)`)
          : wentLive
            ? new Error(`lost the stream from ${url.origin}: ${describeCause(err)}`, { cause: err })
            : new XemConnectionError(url.origin, err);
      return { kind: 'retry', error, wentLive, immediate: false, retryAfterMs: null };
    } finally {
      clearTimeout(timer);
      this.stop.signal.removeEventListener('abort', abort);
      request.abort(); // lets go of the connection if the body was not read to its end
    }
  }

  /** A non-200 answer: worth another try later (5xx, 408, 429) or final (any other). */
  private async refused(res: Response): Promise<Attempt> {
    const error =
      res.status >= 200 && res.status < 300
        ? new XemApiError({
            status: res.status,
            code: 'unexpected_response',
            message: `the stream answered HTTP ${res.status} instead of 200`,
          })
        : errorFromResponse(res, await res.text());
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    if (!retryable) return { kind: 'fatal', error };
    const fromHeader = retryAfterMs(res.headers.get('retry-after'), Date.now());
    const fromBody = error.retryAfterSeconds === null ? null : error.retryAfterSeconds * 1000;
    return { kind: 'retry', error, wentLive: false, immediate: false, retryAfterMs: fromHeader ?? fromBody };
  }

  /** Reads the body until it ends or a closing frame arrives, which it returns. */
  private async read(body: ReadableStream<Uint8Array>, onBytes: () => void): Promise<StreamClosing | null> {
    const seen: { closing: StreamClosing | null } = { closing: null };
    const parser: SseParser = new SseParser(
      {
        onRetry: (ms) => (this.retryMs = ms),
        onEvent: (e) => {
          if (seen.closing || this.stop.signal.aborted) return;
          // A first connection has no id to resume from yet: the server names its starting point.
          if (e.event.endsWith('.connection.connected') && parser.lastEventId === '') {
            const head = parseEventData(StreamConnected, e).head_event_id;
            if (head) parser.seedLastEventId(head);
          }
          this.current = {
            ...this.current,
            lastEventAtMs: Date.now(),
            lastEventId: parser.lastEventId || null,
          };
          try {
            seen.closing = this.handle(e);
          } catch (err) {
            this.fail(err);
          }
        },
      },
      this.current.lastEventId ?? '',
    );
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        return seen.closing;
      }
      parser.push(value);
      // A block with an id but no data still moves the resume position.
      this.current = { ...this.current, lastEventId: parser.lastEventId || null };
      if (seen.closing) return seen.closing;
      if (this.stop.signal.aborted) throw this.fatal ?? new Error('closed');
      onBytes();
    }
  }

  /** The connection frames the stream itself acts on, then the caller's decoder and callbacks. */
  private handle(e: SseEvent): StreamClosing | null {
    let closing: StreamClosing | null = null;
    if (e.event.endsWith('.connection.connected')) {
      this.serverHeartbeatMs = parseEventData(StreamConnected, e).heartbeat_interval_ms;
    } else if (e.event.endsWith('.connection.closing')) {
      closing = parseEventData(StreamClosing, e);
    }
    const event = this.options.decode(e);
    if (event !== undefined) {
      this.options.onEvent?.(event);
      for (const queue of this.queues) queue.push(event);
    }
    return closing;
  }

  private heartbeatTimeoutMs(): number {
    if (this.options.heartbeatTimeoutMs !== undefined) return this.options.heartbeatTimeoutMs;
    if (this.serverHeartbeatMs !== null && this.serverHeartbeatMs > 0) {
      return Math.round(this.serverHeartbeatMs * HEARTBEAT_TIMEOUT_FACTOR);
    }
    return DEFAULT_HEARTBEAT_TIMEOUT_MS;
  }

  /** A decoder or callback threw: the stream ends with that error. */
  private fail(err: unknown): void {
    this.fatal ??= toError(err);
    this.stop.abort();
  }

  private finish(error: Error | null): void {
    if (this.current.state === 'closed') return;
    this.fatal = error;
    this.stop.abort();
    // A long-lived caller signal must not keep a listener per stream it ever opened.
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
    this.setStatus({ state: 'closed', error, retryInMs: null });
    for (const queue of this.queues) queue.end(error);
    this.queues.clear();
    if (error) this.rejectDone(error);
    else this.resolveDone();
  }

  private setStatus(change: Pick<StreamStatus, 'state' | 'error' | 'retryInMs'>): void {
    this.current = { ...this.current, ...change, failures: this.failures };
    this.emitStatus();
  }

  private emitStatus(): void {
    try {
      this.options.onStatus?.(this.current);
    } catch (err) {
      this.fail(err);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
