import type { XExecExecutionEventName } from '@xem/client';
import type { ExecutionStatus } from '@xem/protocol';

/** Statuses an execution does not leave on its own (retry and mark-failed are operator actions). */
export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set<ExecutionStatus>([
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'ambiguous',
]);

/** The stream event that announces each terminal status. */
export const TERMINAL_EVENT_NAMES: Partial<Record<ExecutionStatus, XExecExecutionEventName>> = {
  completed: 'x_exec.execution.completed',
  failed: 'x_exec.execution.failed',
  timed_out: 'x_exec.execution.timed_out',
  cancelled: 'x_exec.execution.cancelled',
  rejected: 'x_exec.execution.rejected',
  ambiguous: 'x_exec.execution.ambiguous',
};
