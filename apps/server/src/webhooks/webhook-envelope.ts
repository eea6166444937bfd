import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookDeliveryType, WebhookEnvelope, WebhookEventType } from '@xem/protocol';

type Payload = Record<string, unknown>;
type Data = Record<string, unknown>;

/** An internal event as webhooks see it: its `exec.*` type and the envelope's `data`. */
export interface WebhookEvent {
  type: WebhookEventType;
  data: Data;
}

const v = (p: Payload, key: string): unknown => p[key] ?? null;

/** Executions (payload: the Execution API object). */
function executionData(p: Payload): Data {
  return {
    invocation_id: v(p, 'id'),
    execution_id: v(p, 'id'),
    tool_name: v(p, 'tool'),
    workspace_id: v(p, 'workspace_id'),
    agent_id: v(p, 'agent_id'),
    status: v(p, 'status'),
    risk: v(p, 'risk'),
    source: v(p, 'source'),
    args: v(p, 'args'),
    approval_id: v(p, 'approval_id'),
    attempt: v(p, 'attempt'),
    max_attempts: v(p, 'max_attempts'),
    exit_code: v(p, 'exit_code'),
    error: v(p, 'error'),
    timeout_ms: v(p, 'timeout_ms'),
    created_by: v(p, 'created_by'),
    created_at: v(p, 'created_at'),
    dispatched_at: v(p, 'dispatched_at'),
    finished_at: v(p, 'finished_at'),
    duration_ms: v(p, 'duration_ms'),
  };
}

/** Approvals (payload: the approval API object): its fields, with the ids every exec.* event names. */
function approvalData(p: Payload): Data {
  const { id, tool, ...rest } = p;
  const executionId = p.execution_id ?? p.invocation_id ?? null;
  return {
    ...rest,
    approval_id: id ?? p.approval_id ?? null,
    invocation_id: executionId,
    execution_id: executionId,
    tool_name: tool ?? p.tool_name ?? null,
  };
}

/** Agents (payload: the Agent API object). */
function agentData(p: Payload): Data {
  return {
    agent_id: v(p, 'id'),
    registration_name: v(p, 'registration_name'),
    hostname: v(p, 'hostname'),
    version: v(p, 'version'),
    region: v(p, 'region'),
    status: v(p, 'status'),
    status_reason: v(p, 'status_reason'),
    workspace_ids: v(p, 'workspace_ids'),
    tool_count: v(p, 'tool_count'),
    last_heartbeat_at: v(p, 'last_heartbeat_at'),
    lease_expires_at: v(p, 'lease_expires_at'),
  };
}

/** Workspaces (payload: the Workspace API object). */
function workspaceData(p: Payload): Data {
  return {
    workspace_id: v(p, 'id'),
    name: v(p, 'name'),
    type: v(p, 'type'),
    description: v(p, 'description'),
    is_default: v(p, 'is_default'),
    created_at: v(p, 'created_at'),
  };
}

const as =
  (type: WebhookEventType, data: (p: Payload) => Data) =>
  (p: Payload): WebhookEvent => ({ type, data: data(p) });

/** Internal event type → its webhook event. Types not listed are never sent as webhooks. */
const MAPPING: Record<string, (p: Payload) => WebhookEvent | null> = {
  'execution.started': as('exec.dispatched', executionData),
  'execution.completed': as('exec.completed', executionData),
  'execution.failed': as('exec.failed', executionData),
  'execution.timed_out': as('exec.timeout', executionData),
  'execution.ambiguous': as('exec.ambiguous', executionData),
  'approval.requested': as('exec.approval_requested', approvalData),
  'approval.decided': (p) =>
    p.decision === 'approved'
      ? { type: 'exec.approved', data: approvalData(p) }
      : p.decision === 'rejected'
        ? { type: 'exec.rejected', data: approvalData(p) }
        : null,
  'approval.escalated': as('exec.approval_escalated', approvalData),
  'approval.timed_out': as('exec.approval_timed_out', approvalData),
  'agent.enrolled': as('exec.agent_enrolled', agentData),
  'agent.offline': as('exec.agent_offline', agentData),
  'discovery.found': as('exec.discovery_pending', (p) => ({
    candidate_id: v(p, 'id'),
    agent_id: v(p, 'agent_id'),
    component: v(p, 'component'),
  })),
  'workspace.created': as('exec.workspace_created', workspaceData),
};

/** The webhook event an internal event becomes, or null when webhooks do not carry it. */
export function webhookEventOf(type: string, payload: Payload): WebhookEvent | null {
  return Object.hasOwn(MAPPING, type) ? MAPPING[type]!(payload) : null;
}

/**
 * The envelope id of an event: `evt_` and 24 hex digits of a keyed hash of its id. The same
 * event always gets the same id (receivers dedupe on it) without revealing how many events
 * the installation has seen.
 */
export function envelopeIdOf(salt: string, eventId: string): string {
  return `evt_${createHmac('sha256', salt).update(eventId).digest('hex').slice(0, 24)}`;
}

/** A fresh envelope id, for test deliveries (they come from no event). */
export function randomEnvelopeId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

/** The request body of a delivery, serialised once: every attempt sends exactly these bytes. */
export function webhookBody(id: string, type: WebhookDeliveryType, createdAt: Date, data: Data): string {
  const envelope: WebhookEnvelope = {
    id,
    object: 'event',
    type,
    created_at: Math.floor(createdAt.getTime() / 1000),
    data,
  };
  return JSON.stringify(envelope);
}
