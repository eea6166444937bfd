import type { Selectable } from 'kysely';
import type { Execution, ExecutionSource, ExecutionStatus } from '@xem/protocol';
import type { ExecutionsTable } from '../db/schema';

export type ExecutionRow = Selectable<ExecutionsTable>;

interface ExecutionErrorValue {
  code: string;
  message: string;
}

/** The API shape of an execution row; duration runs from dispatch to finish. */
export function toExecution(r: ExecutionRow): Execution {
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    tool: r.tool,
    args: r.args as Record<string, unknown>,
    risk: r.risk,
    idempotent: r.idempotent,
    source: r.source as ExecutionSource,
    status: r.status as ExecutionStatus,
    attempt: r.attempt,
    max_attempts: r.max_attempts,
    agent_id: r.agent_id,
    exit_code: r.exit_code,
    error: (r.error as ExecutionErrorValue | null) ?? null,
    timeout_ms: r.timeout_ms,
    created_by: { user_id: r.created_by_user, key_id: r.created_by_key },
    approval_id: r.approval_id,
    chat_id: r.chat_id,
    created_at: r.created_at.toISOString(),
    dispatched_at: r.dispatched_at?.toISOString() ?? null,
    finished_at: r.finished_at?.toISOString() ?? null,
    duration_ms:
      r.dispatched_at && r.finished_at
        ? Math.max(0, r.finished_at.getTime() - r.dispatched_at.getTime())
        : null,
  };
}

/** Event type recorded when an execution enters `status` (`dispatched` is the "started" event). */
export function eventTypeFor(status: ExecutionStatus): string {
  return status === 'dispatched' ? 'execution.started' : `execution.${status}`;
}
