export interface ReconnectDelayInput {
  /** Attempts in a row that did not end live, counting the one that just ended (≥ 1). */
  failures: number;
  /** The server's `retry:` (or the client's default before it sent one), in ms. */
  baseMs: number;
  /** The exponential part stops growing here. */
  maxMs: number;
  /** From `Retry-After` on a 429 or 503: the next attempt never comes earlier. */
  retryAfterMs: number | null;
  /** [0, 1); Math.random unless a test pins it. */
  random: () => number;
}

/**
 * How long to wait before the next attempt: `base × 2^(failures−1)` capped at `maxMs`, then
 * "equal jitter" (a random point in its upper half) so that clients dropped together by one
 * restart do not come back together, yet none retries sooner than half the server's `retry:`.
 */
export function reconnectDelayMs(input: ReconnectDelayInput): number {
  const exponent = Math.max(0, input.failures - 1);
  const ceiling = Math.min(input.maxMs, input.baseMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(ceiling / 2 + (input.random() * ceiling) / 2);
  return input.retryAfterMs === null ? jittered : Math.max(input.retryAfterMs, jittered);
}

/** `Retry-After` as ms from now: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form names its month; Date.parse alone would take "-5" for a year.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
