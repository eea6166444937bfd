import type { Kysely } from 'kysely';
import type { ExecutionDetail, ExecutionStatus } from '@xem/protocol';
import type { Database } from '../db/schema';
import { showExecution } from '../executions/show-execution';

/** Statuses after which nothing more happens to an execution without an operator. */
export const SETTLED: readonly ExecutionStatus[] = [
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'ambiguous',
];

/** Between reads of the execution while a call waits; short next to any tool's run time. */
const POLL_MS = 150;

/**
 * The execution once it settled (or, with `stopOnPending`, once it waits for an approval), or as
 * it stands when `waitMs` passed or `signal` aborted (the client went away). It re-reads the row: a bounded wait for one caller, not a stream.
 */
export async function awaitExecution(
  db: Kysely<Database>,
  projectId: string,
  executionId: string,
  waitMs: number,
  opts: { stopOnPending: boolean; signal?: AbortSignal | undefined },
): Promise<ExecutionDetail> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const detail = await showExecution(db, projectId, executionId);
    if (SETTLED.includes(detail.status)) return detail;
    if (opts.stopOnPending && detail.status === 'pending_approval') return detail;
    if (Date.now() >= deadline || opts.signal?.aborted) return detail;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}
