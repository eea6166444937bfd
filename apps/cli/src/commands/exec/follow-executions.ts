import type { ExecutionStreamEvent, ExecutionStreamFilters, StreamStatus, XemClient } from '@xem/client';
import { Execution } from '@xem/protocol';
import type { WatchedEvent } from './event-line';
import { TERMINAL_EVENT_NAMES, TERMINAL_STATUSES } from './terminal-statuses';

export interface FollowOptions {
  filters?: ExecutionStreamFilters | undefined;
  /** Follow only this execution, until it reaches a terminal status. */
  target?: string | undefined;
  /** Every execution event that passes; for a target, its last one is the terminal one. */
  onEvent(e: WatchedEvent): void;
  onStatus?: ((s: StreamStatus) => void) | undefined;
  /** The server no longer kept the events after `lastEventId`: some were missed. */
  onResync?: ((lastEventId: string) => void) | undefined;
}

export interface ExecutionFollower {
  /**
   * The target as it ended, or null once closed before that (or without a target); rejects
   * with what ended the stream for good (refused, revoked) or with a failed read of the target.
   */
  readonly done: Promise<Execution | null>;
  close(): void;
}

/**
 * Follows `GET …/exec/executions/stream` for `exec watch` and `exec invoke --wait`; it never
 * polls. Reconnecting and resuming (Last-Event-ID) are the stream client's job. With a target,
 * its state is also read once the stream is up (and again after a resync), so an end that came
 * before the stream did is not missed; such a read reaches onEvent with `id: null`.
 * States: following → ended (the target reached a terminal status) | closed (close(): Ctrl-C,
 * a timeout) | failed (the stream ended for good, or the read failed).
 */
export function followExecutions(client: XemClient, opts: FollowOptions): ExecutionFollower {
  const target = opts.target ?? null;
  let ended: Execution | null = null;
  let failure: unknown = null;
  /** The stream is over: a read still in flight must not report. */
  let over = false;

  const end = (e: WatchedEvent) => {
    if (ended) return;
    opts.onEvent(e);
    ended = e.data;
    stream.close();
  };

  const readTarget = async (id: string) => {
    try {
      const current = await client.getExecution(id);
      if (over) return;
      const event = TERMINAL_EVENT_NAMES[current.status];
      // Parsing drops history, attempts and output: the data is what the stream would send.
      if (event) end({ id: null, event, data: Execution.parse(current) });
    } catch (err) {
      if (over) return;
      failure ??= err;
      stream.close();
    }
  };

  const onEvent = (e: ExecutionStreamEvent) => {
    switch (e.event) {
      case 'x_exec.connection.connected':
        // Resumed streams replay what was missed; a fresh one may have missed the end.
        if (target && e.data.resumed_after === null) void readTarget(target);
        return;
      case 'x_exec.connection.resync':
        opts.onResync?.(e.data.last_event_id);
        if (target) void readTarget(target);
        return;
      case 'x_exec.connection.heartbeat':
      case 'x_exec.connection.closing':
        return;
      default:
        if (ended || (target && e.data.id !== target)) return;
        if (target && TERMINAL_STATUSES.has(e.data.status)) return end(e);
        opts.onEvent(e);
    }
  };

  const stream = client.streamExecutions(opts.filters ?? {}, { onEvent, onStatus: opts.onStatus });
  const done = (async () => {
    try {
      await stream.done;
    } finally {
      over = true;
    }
    if (failure) throw failure;
    return ended;
  })();
  return { done, close: () => stream.close() };
}
