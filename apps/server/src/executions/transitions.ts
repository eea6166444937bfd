import type { ExecutionStatus } from '@xem/protocol';

/**
 * The execution state machine, as one table. A transition not listed here is a programming
 * error and is refused, never applied silently.
 *
 *   pending_approval → queued (approved) | rejected | cancelled
 *   queued           → dispatched | cancelled
 *                      | rejected (its approval no longer matches the action)
 *   dispatched       → completed | failed | timed_out | cancelled
 *                      | queued (agent lost or gave the work back; idempotent tools, new attempt)
 *                      | ambiguous (agent lost while running a non-idempotent tool)
 *   failed | timed_out | ambiguous → queued (operator retry, new attempt)
 *   ambiguous        → failed (operator marks it failed)
 *   completed, cancelled, rejected: terminal
 */
export const TRANSITIONS: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  pending_approval: ['queued', 'rejected', 'cancelled'],
  queued: ['dispatched', 'cancelled', 'rejected'],
  dispatched: ['completed', 'failed', 'timed_out', 'cancelled', 'queued', 'ambiguous'],
  failed: ['queued'],
  timed_out: ['queued'],
  ambiguous: ['queued', 'failed'],
  completed: [],
  cancelled: [],
  rejected: [],
};

export const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(['completed', 'cancelled', 'rejected']);

/** Statuses an operator may retry (a new attempt of the same execution). */
export const RETRYABLE: ReadonlySet<ExecutionStatus> = new Set(['failed', 'timed_out', 'ambiguous']);

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: ExecutionStatus,
    readonly to: ExecutionStatus,
  ) {
    super(`illegal execution transition ${from} → ${to}`);
  }
}

export function assertTransition(from: ExecutionStatus, to: ExecutionStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** The statuses from which `to` may be entered: the WHERE clause of a conditional UPDATE. */
export function sourcesOf(to: ExecutionStatus): ExecutionStatus[] {
  return (Object.keys(TRANSITIONS) as ExecutionStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}
