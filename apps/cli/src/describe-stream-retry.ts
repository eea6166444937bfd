import { XemApiError, type StreamStatus } from '@xem/client';

/**
 * `watch: reconnecting in 2.0s: <why>` (or `offline after 3 attempts, …`): what a following
 * command says on stderr while the stream client reconnects on its own.
 */
export function describeStreamRetry(prefix: string, s: StreamStatus): string {
  const when = s.retryInMs ? `in ${(s.retryInMs / 1000).toFixed(1)}s` : 'now';
  const why = s.error
    ? `: ${s.error instanceof XemApiError ? `${s.error.message} (code ${s.error.code})` : s.error.message}`
    : ' (the server asked to)';
  return s.state === 'offline'
    ? `${prefix}: offline after ${s.failures} attempts, retrying ${when}${why}`
    : `${prefix}: reconnecting ${when}${why}`;
}
