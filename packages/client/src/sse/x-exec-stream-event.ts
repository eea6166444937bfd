import {
  Approval,
  Execution,
  StreamClosing,
  StreamConnected,
  StreamHeartbeat,
  StreamResync,
  X_EXEC_APPROVAL_EVENT_NAMES,
  X_EXEC_EXECUTION_EVENT_NAMES,
  type SseEvent,
} from '@xem/protocol';
import { XemApiError } from '../xem-api-error';
import { parseEventData } from './parse-event-data';

export type XExecExecutionEventName = (typeof X_EXEC_EXECUTION_EVENT_NAMES)[number];
export type XExecApprovalEventName = (typeof X_EXEC_APPROVAL_EVENT_NAMES)[number];

/** Frames about the connection itself; they carry no id and do not move the resume position. */
export type XExecConnectionEvent =
  | { event: 'x_exec.connection.connected'; id: string | null; data: StreamConnected }
  | { event: 'x_exec.connection.heartbeat'; id: string | null; data: StreamHeartbeat }
  /** The resume id was older than the retention window: refetch state, the stream goes on live. */
  | { event: 'x_exec.connection.resync'; id: string | null; data: StreamResync }
  | { event: 'x_exec.connection.closing'; id: string | null; data: StreamClosing };

/** `GET /:project_id/v1/exec/executions/stream`: facts carry their event id and the execution. */
export type ExecutionStreamEvent =
  XExecConnectionEvent | { event: XExecExecutionEventName; id: string; data: Execution };

/** `GET /:project_id/v1/exec/approvals/stream`: facts carry the full approval (also `decided`). */
export type ApprovalStreamEvent =
  XExecConnectionEvent | { event: XExecApprovalEventName; id: string; data: Approval };

function decodeConnectionEvent(e: SseEvent): XExecConnectionEvent | undefined {
  switch (e.event) {
    case 'x_exec.connection.connected':
      return { event: e.event, id: e.id, data: parseEventData(StreamConnected, e) };
    case 'x_exec.connection.heartbeat':
      return { event: e.event, id: e.id, data: parseEventData(StreamHeartbeat, e) };
    case 'x_exec.connection.resync':
      return { event: e.event, id: e.id, data: parseEventData(StreamResync, e) };
    case 'x_exec.connection.closing':
      return { event: e.event, id: e.id, data: parseEventData(StreamClosing, e) };
    default:
      return undefined;
  }
}

/** A fact without an id could not be resumed after; the server never sends one. */
function factId(e: SseEvent): string {
  if (e.id) return e.id;
  throw new XemApiError({
    status: 200,
    code: 'unexpected_response',
    message: `stream event ${e.event} has no id, so the stream could not resume after it`,
  });
}

function isOneOf<N extends string>(names: readonly N[], name: string): name is N {
  return (names as readonly string[]).includes(name);
}

/** Names this client does not know yet (a newer server) are skipped, not errors. */
export function decodeExecutionStreamEvent(e: SseEvent): ExecutionStreamEvent | undefined {
  if (isOneOf(X_EXEC_EXECUTION_EVENT_NAMES, e.event)) {
    return { event: e.event, id: factId(e), data: parseEventData(Execution, e) };
  }
  return decodeConnectionEvent(e);
}

export function decodeApprovalStreamEvent(e: SseEvent): ApprovalStreamEvent | undefined {
  if (isOneOf(X_EXEC_APPROVAL_EVENT_NAMES, e.event)) {
    return { event: e.event, id: factId(e), data: parseEventData(Approval, e) };
  }
  return decodeConnectionEvent(e);
}
