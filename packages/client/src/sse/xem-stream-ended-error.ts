import type { StreamCloseReason } from '@xem/protocol';

/**
 * The server ended the stream with `*.connection.closing` and `reconnect: false`: the session
 * ended or access was revoked. Retrying would only be refused, so the stream stops here.
 */
export class XemStreamEndedError extends Error {
  override name = 'XemStreamEndedError';
  readonly reason: StreamCloseReason;

  constructor(reason: StreamCloseReason) {
    super(`the server ended the stream (${reason.replace('_', ' ')}) and asked not to reconnect`);
    this.reason = reason;
  }

  /** Ended because of who is asking (signed out, key or membership revoked), not a fault. */
  get isAuthEnd(): boolean {
    return this.reason === 'session_ended' || this.reason === 'access_revoked';
  }
}
