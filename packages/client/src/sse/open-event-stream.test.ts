import { getEventListeners } from 'node:events';
import type { SseEvent } from '@xem/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { XemApiError } from '../xem-api-error';
import { XemConnectionError } from '../xem-connection-error';
import { openEventStream, type EventStream, type EventStreamOptions } from './open-event-stream';
import {
  beginStream,
  connectedFrame,
  errorReply,
  frame,
  startSseTestServer,
  type SseTestServer,
  type StreamHandler,
} from './sse-test-server';
import type { StreamStatus } from './stream-status';
import { XemStreamEndedError } from './xem-stream-ended-error';

let server: SseTestServer | undefined;
let stream: EventStream<SseEvent> | undefined;

afterEach(async () => {
  stream?.close();
  await stream?.done.catch(() => {});
  await server?.close();
  server = undefined;
  stream = undefined;
});

interface Opened {
  server: SseTestServer;
  stream: EventStream<SseEvent>;
  events: SseEvent[];
  statuses: StreamStatus[];
}

/** Starts a scripted server and a stream of raw events to it (fast retries unless overridden). */
async function open(
  handler: StreamHandler,
  options: Partial<EventStreamOptions<SseEvent>> = {},
): Promise<Opened> {
  server = await startSseTestServer(handler);
  const events: SseEvent[] = [];
  const statuses: StreamStatus[] = [];
  stream = openEventStream<SseEvent>({
    url: `${server.url}/proj_1/v1/exec/executions/stream`,
    decode: (e) => e,
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    retryMs: 10,
    ...options,
  });
  return { server, stream, events, statuses };
}

const states = (statuses: StreamStatus[]) => statuses.map((s) => s.state);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('openEventStream', () => {
  it('sends the headers, delivers events and goes live', async () => {
    const { server, events, statuses } = await open(
      (_req, res) => {
        beginStream(res);
        res.write(connectedFrame());
        res.write(frame({ id: '1', event: 'x_exec.execution.started', data: { id: 'exe_1' } }));
      },
      { headers: { authorization: 'Bearer xero_default_k' } },
    );
    await vi.waitFor(() => expect(events).toHaveLength(2));
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer xero_default_k');
    expect(req.headers.accept).toBe('text/event-stream');
    expect(req.headers['last-event-id']).toBeUndefined();
    expect(events[1]).toEqual({ event: 'x_exec.execution.started', id: '1', data: '{"id":"exe_1"}' });
    expect(states(statuses)).toEqual(['connecting', 'live']);
    expect(stream!.status.lastEventId).toBe('1');
    expect(stream!.status.lastEventAtMs).toBeGreaterThan(0);
  });

  it("resumes from the server's head_event_id when the first connection drops before any event", async () => {
    const { server, events } = await open((_req, res, n) => {
      beginStream(res);
      if (n === 0) {
        res.write(frame({ retry: 20 }));
        res.write(connectedFrame(30_000, null, '17'));
        setTimeout(() => res.destroy(), 20);
      } else {
        res.write(connectedFrame(30_000, '17', '17'));
        res.write(frame({ id: '18', event: 'x_exec.execution.started', data: {} }));
      }
    });
    await vi.waitFor(() => expect(events.map((e) => e.id)).toContain('18'));
    expect(server.requests[0]!.headers['last-event-id']).toBeUndefined();
    expect(server.requests[1]!.headers['last-event-id']).toBe('17');
  });

  it('reconnects with Last-Event-ID after the server drops the connection; frames without id do not move it', async () => {
    const { server, events, statuses } = await open((_req, res, n) => {
      beginStream(res);
      if (n === 0) {
        res.write(frame({ retry: 20 }));
        res.write(connectedFrame());
        res.write(frame({ id: '41', event: 'x_exec.execution.queued', data: {} }));
        res.write(frame({ id: '42', event: 'x_exec.execution.started', data: {} }));
        res.write(frame({ event: 'x_exec.connection.heartbeat', data: { server_time: 'now', polls: 1 } }));
        setTimeout(() => res.destroy(), 20); // a dropped connection, not a clean end
      } else {
        res.write(connectedFrame(30_000, '42'));
        res.write(frame({ id: '43', event: 'x_exec.execution.completed', data: {} }));
      }
    });
    await vi.waitFor(() => expect(events.map((e) => e.id)).toContain('43'));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['last-event-id']).toBe('42');
    expect(states(statuses)).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    const gap = statuses.find((s) => s.state === 'reconnecting')!;
    // Base from the server's retry: (20 ms), with jitter in its upper half.
    expect(gap.retryInMs).toBeGreaterThanOrEqual(10);
    expect(gap.retryInMs).toBeLessThanOrEqual(20);
    expect(gap.error?.message).toMatch(/^lost the stream from http:\/\/127\.0\.0\.1:\d+: /);
  });

  it('keeps trying a server it cannot reach, as a connection error', async () => {
    const gone = await startSseTestServer(() => {});
    await gone.close();
    const statuses: StreamStatus[] = [];
    stream = openEventStream<SseEvent>({
      url: gone.url,
      decode: (e) => e,
      onStatus: (s) => statuses.push(s),
      retryMs: 10,
    });
    await vi.waitFor(() => expect(statuses.map((s) => s.state)).toContain('offline'));
    expect(statuses[1]!.error).toBeInstanceOf(XemConnectionError);
    expect(statuses[1]!.error!.message).toContain('ECONNREFUSED');
  });

  it('resumes after the id it was given from the start', async () => {
    const { server } = await open(
      (_req, res) => {
        beginStream(res);
        res.write(connectedFrame(30_000, '99'));
      },
      { lastEventId: '99' },
    );
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    expect(server.requests[0]!.headers['last-event-id']).toBe('99');
  });

  it('reconnects a stream that goes silent for 2.5 heartbeat intervals', async () => {
    const { server, statuses } = await open((_req, res, n) => {
      beginStream(res);
      // 40 ms heartbeats announced, none sent: the watchdog fires after 100 ms.
      res.write(connectedFrame(40));
      if (n === 0) res.write(frame({ id: '7', event: 'x_exec.execution.started', data: {} }));
    });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThanOrEqual(2));
    const [first, second] = server.requests;
    expect(first!.closedAtMs! - first!.atMs).toBeGreaterThanOrEqual(95);
    expect(second!.headers['last-event-id']).toBe('7');
    const lost = statuses.find((s) => s.state === 'reconnecting')!;
    expect(lost.error?.message).toMatch(/no data .* for 100 ms/);
  });

  it('keeps a stream open while heartbeats arrive in time', async () => {
    const { server, events } = await open((_req, res) => {
      beginStream(res);
      // 100 ms announced → the watchdog allows 250 ms; beats every 50 ms leave a wide margin.
      res.write(connectedFrame(100));
      const beat = setInterval(
        () =>
          res.write(frame({ event: 'x_exec.connection.heartbeat', data: { server_time: 'x', polls: 1 } })),
        50,
      );
      res.on('close', () => clearInterval(beat));
    });
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(8), { timeout: 5000 });
    // Eight beats span well over the 250 ms a silent stream would get.
    expect(server.requests).toHaveLength(1);
    expect(stream!.status.state).toBe('live');
  });

  it('reconnects at once after closing with reconnect=true, whatever retry: says', async () => {
    const { server, statuses } = await open((_req, res, n) => {
      beginStream(res);
      res.write(frame({ retry: 10_000 })); // a normal retry would wait 5-10 s
      res.write(connectedFrame());
      if (n === 0) {
        res.write(frame({ id: '5', event: 'x_exec.execution.started', data: {} }));
        res.write(
          frame({ event: 'x_exec.connection.closing', data: { reason: 'max_lifetime', reconnect: true } }),
        );
        // Left open: the client must not wait for the server to end it.
      }
    });
    await vi.waitFor(() => expect(server.requests).toHaveLength(2), { timeout: 3000 });
    expect(server.requests[1]!.atMs - server.requests[0]!.atMs).toBeLessThan(3000);
    expect(server.requests[1]!.headers['last-event-id']).toBe('5');
    expect(server.requests[0]!.closedAtMs).not.toBeNull();
    expect(statuses.find((s) => s.state === 'reconnecting')).toMatchObject({ retryInMs: 0, error: null });
  });

  it('stops for good after closing with reconnect=false', async () => {
    const { server, events, statuses } = await open((_req, res) => {
      beginStream(res);
      res.write(connectedFrame());
      res.write(
        frame({ event: 'x_exec.connection.closing', data: { reason: 'access_revoked', reconnect: false } }),
      );
      res.end();
    });
    const err = await stream!.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(XemStreamEndedError);
    expect((err as XemStreamEndedError).reason).toBe('access_revoked');
    expect((err as XemStreamEndedError).isAuthEnd).toBe(true);
    expect(events.map((e) => e.event)).toEqual(['x_exec.connection.connected', 'x_exec.connection.closing']);
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', error: err });
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [401, 'invalid_api_key'],
    [403, 'scope_insufficient'],
    [404, 'not_found'],
    [400, 'invalid_query'],
  ])('stops for good on %i %s', async (status, code) => {
    const { server, statuses } = await open((_req, res) => errorReply(res, status, code));
    const err = await stream!.done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(XemApiError);
    expect(err).toMatchObject({ status, code, requestId: 'req_sse' });
    expect(states(statuses)).toEqual(['connecting', 'closed']);
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });

  it('waits for Retry-After on 429 before trying again', async () => {
    const { server, statuses } = await open((_req, res, n) => {
      if (n === 0) return errorReply(res, 429, 'too_many_streams', { 'retry-after': '1' });
      beginStream(res);
      res.write(connectedFrame());
    });
    await vi.waitFor(() => expect(server.requests).toHaveLength(2), { timeout: 3000 });
    expect(server.requests[1]!.atMs - server.requests[0]!.atMs).toBeGreaterThanOrEqual(990);
    const waiting = statuses.find((s) => s.state === 'reconnecting')!;
    expect(waiting.retryInMs).toBe(1000);
    expect(waiting.error).toMatchObject({ status: 429, code: 'too_many_streams' });
    await vi.waitFor(() => expect(stream!.status.state).toBe('live'));
  });

  it('backs off exponentially while the server answers 503, and says offline after 3 failures', async () => {
    const { server, statuses } = await open((_req, res) => errorReply(res, 503, 'service_unavailable'), {
      retryMs: 40,
    });
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThanOrEqual(4), { timeout: 3000 });
    const delays = statuses.filter((s) => s.retryInMs !== null).map((s) => s.retryInMs!);
    // failures 1, 2, 3 → within [20, 40], [40, 80], [80, 160].
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeLessThanOrEqual(80);
    expect(delays[2]).toBeGreaterThanOrEqual(80);
    expect(delays[2]).toBeLessThanOrEqual(160);
    expect(states(statuses).slice(0, 4)).toEqual(['connecting', 'reconnecting', 'reconnecting', 'offline']);
    expect(statuses[3]!.failures).toBe(3);
  });

  it('stops when the signal aborts, and closes the connection', async () => {
    const abort = new AbortController();
    const { server, statuses } = await open(
      (_req, res) => {
        beginStream(res);
        res.write(connectedFrame());
      },
      { signal: abort.signal },
    );
    await vi.waitFor(() => expect(stream!.status.state).toBe('live'));
    abort.abort();
    await expect(stream!.done).resolves.toBeUndefined();
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', error: null });
    await vi.waitFor(() => expect(server.requests[0]!.closedAtMs).not.toBeNull());
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });

  it('lets go of the caller signal once closed another way', async () => {
    const page = new AbortController();
    await open((_req, res) => errorReply(res, 401, 'invalid_api_key'), { signal: page.signal });
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(1);
    await stream!.done.catch(() => {});
    expect(getEventListeners(page.signal, 'abort')).toHaveLength(0);
  });

  it('stops while waiting to reconnect when closed', async () => {
    const { server } = await open((_req, res) => errorReply(res, 503, 'service_unavailable'), {
      retryMs: 10_000,
    });
    await vi.waitFor(() => expect(stream!.status.state).toBe('reconnecting'));
    const before = Date.now();
    stream!.close();
    await stream!.done;
    expect(Date.now() - before).toBeLessThan(500);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a 200 that is not an event stream (a proxy login page)', async () => {
    await open((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expect(stream!.done).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('ends with the error of a decoder that refuses a payload', async () => {
    await open(
      (_req, res) => {
        beginStream(res);
        res.write(frame({ id: '1', event: 'bad', data: {} }));
      },
      {
        decode: (e) => {
          if (e.event === 'bad') throw new Error(`cannot decode ${e.event}`);
          return e;
        },
      },
    );
    await expect(stream!.done).rejects.toThrow('cannot decode bad');
    expect(stream!.status).toMatchObject({ state: 'closed' });
  });

  it('can be read with for await; leaving the loop closes the stream', async () => {
    server = await startSseTestServer((_req, res) => {
      beginStream(res);
      res.write(connectedFrame());
      for (let i = 1; i <= 5; i++)
        res.write(frame({ id: String(i), event: 'x_exec.execution.started', data: {} }));
    });
    stream = openEventStream<SseEvent>({ url: server.url, decode: (e) => e });
    const ids: Array<string | null> = [];
    for await (const e of stream) {
      ids.push(e.id);
      if (e.id === '3') break;
    }
    expect(ids).toEqual([null, '1', '2', '3']);
    await expect(stream.done).resolves.toBeUndefined();
    await vi.waitFor(() => expect(server!.requests[0]!.closedAtMs).not.toBeNull());
  });

  it('ends a for await loop with the error that stopped the stream', async () => {
    server = await startSseTestServer((_req, res) => errorReply(res, 401, 'invalid_api_key'));
    stream = openEventStream<SseEvent>({ url: server.url, decode: (e) => e });
    const read = async () => {
      for await (const _ of stream!) {
        /* nothing arrives */
      }
    };
    await expect(read()).rejects.toMatchObject({ status: 401 });
  });
});
