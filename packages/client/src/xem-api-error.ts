import type { ErrorCode } from '@xem/protocol';

/** Codes the client itself assigns when the server's answer is not a well-formed envelope. */
export type ClientErrorCode = 'unexpected_response';

/** A code from the protocol, one the client assigned, or one from a newer server. */
export type XemErrorCode = ErrorCode | ClientErrorCode | (string & {});

export interface XemApiErrorInit {
  status: number;
  code: XemErrorCode;
  message: string;
  type?: string | null;
  param?: string | null;
  requestId?: string | null;
  retryAfterSeconds?: number | null;
}

/**
 * A request that reached the server and was refused, or answered with something the protocol
 * does not allow. Callers key on `code`, which is stable across releases.
 */
export class XemApiError extends Error {
  override name = 'XemApiError';
  readonly status: number;
  readonly code: XemErrorCode;
  readonly type: string | null;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: XemApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.type = init.type ?? null;
    this.param = init.param ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** 401 and 403: the key is missing, wrong, or lacks the right to do this. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}
