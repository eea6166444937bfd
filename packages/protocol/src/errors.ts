import { z } from 'zod';

/** Stable error codes. Clients key on `error.code`; it never changes meaning. */
export const ErrorCode = z.enum([
  'invalid_body',
  'invalid_query',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'project_not_found',
  'authentication_required',
  'invalid_api_key',
  'invalid_credentials',
  'session_expired',
  'password_change_required',
  'scope_insufficient',
  'cross_project_access',
  'owner_required',
  'admin_required',
  'csrf_token_invalid',
  'origin_forbidden',
  'rate_limited',
  'conflict',
  'last_owner',
  'already_member',
  'invitation_invalid',
  'invalid_join_key',
  'invalid_agent_credential',
  'idempotency_key_reused',
  'exec_tool_not_found',
  'tool_not_mcp_visible',
  'tool_executor_unavailable',
  'approval_already_decided',
  'approval_confirm_mismatch',
  'approver_not_authorized',
  'approval_invalidated',
  'approval_link_invalid',
  'stale_attempt',
  'too_many_streams',
  'invalid_header',
  'method_not_allowed',
  'webhook_url_not_allowed',
  'template_name_taken',
  'discovery_already_decided',
  'template_not_applicable',
  'chat_turn_in_progress',
  'chat_tool_not_allowed',
  'model_unavailable',
  'service_unavailable',
  'internal_error',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorType = z.enum([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'rate_limit_error',
  'server_error',
]);
export type ErrorType = z.infer<typeof ErrorType>;

/** The one error envelope every JSON error uses. */
export const ErrorEnvelope = z.object({
  error: z.object({
    message: z.string(),
    type: ErrorType,
    code: ErrorCode,
    param: z.string().nullable(),
    retry_after: z.number().int().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
