import { z } from 'zod';
import { csv, ExecutionStatus } from './executions';
import { Risk } from './fleet';

/**
 * Event names on the wire. Internally every state change appends one row of the `events` table
 * with a type such as `execution.started`; the streams and webhooks publish it under their own
 * family of names (docs/events.md lists each with its payload).
 */

/** `/ops/stream`: the seed's families plus the extra lifecycle names the dashboard needs. */
export const OX_EVENT_NAMES = [
  'ox.connection.connected',
  'ox.connection.heartbeat',
  'ox.connection.closing',
  'ox.connection.resync',
  'ox.execution.created',
  'ox.execution.queued',
  'ox.execution.started',
  'ox.execution.completed',
  'ox.execution.failed',
  'ox.execution.timed_out',
  'ox.execution.cancelled',
  'ox.execution.ambiguous',
  'ox.execution.rejected',
  'ox.approval.requested',
  'ox.approval.decided',
  'ox.approval.escalated',
  'ox.approval.timed_out',
  'ox.approval.cancelled',
  'ox.approval.invalidated',
  'ox.agent.enrolled',
  'ox.agent.online',
  'ox.agent.offline',
  'ox.agent.draining',
  'ox.agent.paused',
  'ox.agent.resumed',
  'ox.agent.revoked',
  'ox.agent.updated',
  'ox.discovery.found',
  'ox.discovery.accepted',
  'ox.discovery.rejected',
  'ox.manifest.updated',
  'ox.workspace.created',
  'ox.workspace.updated',
  'ox.workspace.deleted',
  'ox.workspace.paused',
  'ox.workspace.resumed',
  'ox.workspace.policy_updated',
  'ox.template.created',
  'ox.template.updated',
  'ox.template.deleted',
  'ox.chat.created',
  'ox.chat.deleted',
  'ox.chat.message',
  'ox.chat.turn',
  'ox.chat.question',
] as const;
export type OxEventName = (typeof OX_EVENT_NAMES)[number];

/** `GET /:project_id/v1/exec/executions/stream`. */
export const X_EXEC_EXECUTION_EVENT_NAMES = [
  'x_exec.execution.created',
  'x_exec.execution.queued',
  'x_exec.execution.started',
  'x_exec.execution.completed',
  'x_exec.execution.failed',
  'x_exec.execution.timed_out',
  'x_exec.execution.cancelled',
  'x_exec.execution.ambiguous',
  'x_exec.execution.rejected',
] as const;

/** `GET /:project_id/v1/exec/approvals/stream`. */
export const X_EXEC_APPROVAL_EVENT_NAMES = [
  'x_exec.approval.requested',
  'x_exec.approval.decided',
  'x_exec.approval.escalated',
  'x_exec.approval.timed_out',
  'x_exec.approval.cancelled',
  'x_exec.approval.invalidated',
] as const;

/** Connection frames of both public streams. */
export const X_EXEC_CONNECTION_EVENT_NAMES = [
  'x_exec.connection.connected',
  'x_exec.connection.heartbeat',
  'x_exec.connection.closing',
  'x_exec.connection.resync',
] as const;

export type XExecEventName =
  | (typeof X_EXEC_EXECUTION_EVENT_NAMES)[number]
  | (typeof X_EXEC_APPROVAL_EVENT_NAMES)[number]
  | (typeof X_EXEC_CONNECTION_EVENT_NAMES)[number];

/** Webhook event types (`exec.*`), including the ones the vendor declared but never sent. */
export const WEBHOOK_EVENT_TYPES = [
  'exec.dispatched',
  'exec.completed',
  'exec.failed',
  'exec.timeout',
  'exec.ambiguous',
  'exec.approval_requested',
  'exec.approved',
  'exec.rejected',
  'exec.approval_escalated',
  'exec.approval_timed_out',
  'exec.agent_enrolled',
  'exec.agent_offline',
  'exec.discovery_pending',
  'exec.workspace_created',
  'exec.workspace_budget_exhausted',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Why the server ends a stream (sent in the `*.connection.closing` frame before it closes). */
export const StreamCloseReason = z.enum(['max_lifetime', 'session_ended', 'access_revoked', 'shutdown']);
export type StreamCloseReason = z.infer<typeof StreamCloseReason>;

/** `*.connection.connected`: the first frame of every stream. */
export const StreamConnected = z.object({
  connection_id: z.string(),
  project_id: z.string(),
  server_time: z.string(),
  delivery: z.enum(['signal', 'poll']),
  poll_interval_ms: z.number().int(),
  heartbeat_interval_ms: z.number().int(),
  max_duration_s: z.number().int(),
  /** The Last-Event-ID the stream resumed after, if any. */
  resumed_after: z.string().nullable(),
  /**
   * The stream carries every visible event after this id. A client that has no Last-Event-ID
   * yet can reconnect with it and miss nothing, even if it drops before the first event.
   */
  head_event_id: z.string().optional(),
});
export type StreamConnected = z.infer<typeof StreamConnected>;

export const StreamHeartbeat = z.object({ server_time: z.string(), polls: z.number().int() });
export type StreamHeartbeat = z.infer<typeof StreamHeartbeat>;

export const StreamClosing = z.object({ reason: StreamCloseReason, reconnect: z.boolean() });
export type StreamClosing = z.infer<typeof StreamClosing>;

/** `*.connection.resync`: the Last-Event-ID is older than the retention window; refetch state. */
export const StreamResync = z.object({
  reason: z.literal('too_old'),
  last_event_id: z.string(),
  /** Events after this id are still kept; the stream continues live from here. */
  pruned_through: z.string(),
});
export type StreamResync = z.infer<typeof StreamResync>;

/** One parsed Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field (`message` when absent). */
  event: string;
  /** The `id:` field of this event, if it carried one. */
  id: string | null;
  data: string;
}

const Id = z.string().min(1).max(64);
/** Event ids are PostgreSQL bigints: nothing above this is one. */
const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

/** An event id as sent in `id:` and accepted back in Last-Event-ID (or `?last_event_id=`). */
export const EventId = z
  .string()
  .regex(/^\d{1,19}$/, 'must be an event id (digits)')
  // Zod runs refinements after a failed regex too: only digits reach BigInt.
  .refine(
    (v) => !/^\d+$/.test(v) || BigInt(v) <= MAX_EVENT_ID,
    'must be an event id (at most 9223372036854775807)',
  );

/** Filters of `GET /:project_id/v1/exec/executions/stream`; each takes one value or a comma list. */
export const ExecutionStreamQuery = z.object({
  workspace: csv(Id).optional(),
  tool: csv(Id).optional(),
  status: csv(ExecutionStatus).optional(),
  risk: csv(Risk).optional(),
  agent: csv(Id).optional(),
  last_event_id: EventId.optional(),
});
export type ExecutionStreamQuery = z.infer<typeof ExecutionStreamQuery>;

/** Filters of `GET /:project_id/v1/exec/approvals/stream` (status is the approval's status). */
export const ApprovalStreamQuery = ExecutionStreamQuery.extend({
  status: csv(z.string().regex(/^[a-z_]{1,32}$/)).optional(),
});
export type ApprovalStreamQuery = z.infer<typeof ApprovalStreamQuery>;

/** `GET /ops/stream` takes only a resume point (EventSource cannot set Last-Event-ID on its first connect). */
export const OpsStreamQuery = z.object({ last_event_id: EventId.optional() });
