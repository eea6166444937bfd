/**
 * - `connecting`: the first attempt, nothing received yet;
 * - `live`: the server accepted the stream and events flow;
 * - `reconnecting`: the stream was lost or an attempt failed, and the next one is scheduled;
 * - `offline`: like reconnecting, after several attempts in a row failed (worth showing);
 * - `closed`: stopped for good, by the caller or by an error that retrying cannot fix.
 */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';

/** What a connection indicator shows. A new object on every change. */
export interface StreamStatus {
  state: StreamState;
  /** Why it is not live: the last failure, or what ended it; null when live or closed by the caller. */
  error: Error | null;
  /** When the last frame (event, heartbeat, connection frame) arrived, in epoch ms. */
  lastEventAtMs: number | null;
  /** The id a reconnection resumes after (`Last-Event-ID`); null before any event with an id. */
  lastEventId: string | null;
  /** Attempts in a row that failed since the stream was last live. */
  failures: number;
  /** While reconnecting or offline: how long until the next attempt, in ms. */
  retryInMs: number | null;
}
