/**
 * The IPC conversation between the runner and the SSE clients process (structured-clone
 * serialization). Times are `performance.timeOrigin + performance.now()` in milliseconds: wall
 * clock on a monotonic base, comparable across the two processes once the offset measured with
 * `ping` (see ClientsProcess.clockSkew) is taken off.
 */

/** Runner → clients. */
export type ToClients =
  | {
      type: 'open';
      /** Full URL of the stream. */
      url: string;
      apiKey: string;
      clients: number;
      /** How many connections may be opening at once. */
      openConcurrency: number;
    }
  | { type: 'ping'; sentAt: number }
  /** Answer with `received` once every client has every id, or after `timeoutMs`. */
  | { type: 'collect'; ids: string[]; timeoutMs: number };

/** Clients → runner. */
export type FromClients =
  | { type: 'ready'; openMs: number }
  | { type: 'pong'; sentAt: number; clientAt: number }
  | {
      type: 'received';
      /** Per event id, when each client that got it had parsed it (one entry per client). */
      times: Record<string, Float64Array>;
      /** Frames of an id a client had already received (must be 0). */
      duplicates: number;
      /** Streams that ended before the collection finished, with why. */
      closed: string[];
    }
  | { type: 'failed'; message: string };
