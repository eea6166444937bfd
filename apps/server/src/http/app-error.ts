import type { ErrorCode, ErrorType } from '@xem/protocol';

const DEFAULTS: Partial<Record<ErrorCode, { status: number; type: ErrorType }>> = {
  invalid_body: { status: 400, type: 'invalid_request_error' },
  invalid_query: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'not_found_error' },
  project_not_found: { status: 404, type: 'not_found_error' },
  authentication_required: { status: 401, type: 'authentication_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  invalid_credentials: { status: 401, type: 'authentication_error' },
  invalid_join_key: { status: 401, type: 'authentication_error' },
  invalid_agent_credential: { status: 401, type: 'authentication_error' },
  session_expired: { status: 401, type: 'authentication_error' },
  password_change_required: { status: 403, type: 'permission_error' },
  scope_insufficient: { status: 403, type: 'authentication_error' },
  cross_project_access: { status: 403, type: 'permission_error' },
  owner_required: { status: 403, type: 'permission_error' },
  admin_required: { status: 403, type: 'permission_error' },
  csrf_token_invalid: { status: 403, type: 'permission_error' },
  origin_forbidden: { status: 403, type: 'permission_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  conflict: { status: 409, type: 'conflict_error' },
  last_owner: { status: 409, type: 'conflict_error' },
  already_member: { status: 409, type: 'conflict_error' },
  invitation_invalid: { status: 400, type: 'invalid_request_error' },
  idempotency_key_reused: { status: 422, type: 'invalid_request_error' },
  exec_tool_not_found: { status: 404, type: 'not_found_error' },
  tool_executor_unavailable: { status: 503, type: 'server_error' },
  stale_attempt: { status: 409, type: 'conflict_error' },
  approval_already_decided: { status: 409, type: 'conflict_error' },
  approval_confirm_mismatch: { status: 422, type: 'invalid_request_error' },
  approver_not_authorized: { status: 403, type: 'permission_error' },
  approval_invalidated: { status: 409, type: 'conflict_error' },
  approval_link_invalid: { status: 403, type: 'permission_error' },
  too_many_streams: { status: 429, type: 'rate_limit_error' },
  invalid_header: { status: 400, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  webhook_url_not_allowed: { status: 400, type: 'invalid_request_error' },
  template_name_taken: { status: 409, type: 'conflict_error' },
  discovery_already_decided: { status: 409, type: 'conflict_error' },
  template_not_applicable: { status: 422, type: 'invalid_request_error' },
  chat_turn_in_progress: { status: 409, type: 'conflict_error' },
  chat_tool_not_allowed: { status: 403, type: 'permission_error' },
  model_unavailable: { status: 502, type: 'server_error' },
  service_unavailable: { status: 503, type: 'server_error' },
  internal_error: { status: 500, type: 'server_error' },
};

export interface AppErrorOptions {
  status?: number;
  type?: ErrorType;
  param?: string | null;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The one error type of the server; the error handler maps it to the envelope. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    const d = DEFAULTS[code] ?? { status: 400, type: 'invalid_request_error' as const };
    this.code = code;
    this.status = opts.status ?? d.status;
    this.type = opts.type ?? d.type;
    this.param = opts.param ?? null;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `${what} ${id} was not found in this project`);
}
