import { sql, type Kysely } from 'kysely';
import type { ExecutionStatus } from '@xem/protocol';
import type { Database } from '../db/schema';
import { SYSTEM_CONTEXT, type AuditContext } from '../audit/audit-context';
import { notifyDispatch } from '../channel/notify-agent';
import { changeExecutionStatus, type ChangedExecution } from './change-execution-status';
import type { ExecutionRow } from './execution-view';

/**
 * Error codes written on an attempt that was ended by the server rather than by the agent's
 * result; a later result for such an attempt is stale, not a duplicate.
 */
export const SERVER_ENDED_CODES: ReadonlySet<string> = new Set([
  'agent_lost',
  'deadline_exceeded',
  'send_failed',
]);

export interface RecoveryOptions {
  /** Only these executions (the in-flight ids an agent stopped listing); default all of the agent's. */
  executionIds?: readonly string[];
  ctx?: AuditContext;
  /** Written on the ended attempt: `agent_lost`, or `abandoned` when the agent said so itself. */
  code?: 'agent_lost' | 'abandoned';
}

/**
 * Recovers the `dispatched` executions of an agent that is gone (lease lapsed, socket gone
 * after a drain, or in-flight work it no longer lists), in the caller's transaction:
 *   cancel requested                    → cancelled
 *   idempotent, attempt < max_attempts  → queued (the next dispatch is a new attempt)
 *   idempotent, attempts used up        → failed
 *   not idempotent                      → ambiguous (an operator retries or marks it failed)
 * Dispatchers are woken for the workspaces whose work was requeued or whose capacity freed.
 */
export async function recoverAgentExecutions(
  trx: Kysely<Database>,
  agentId: string,
  reason: string,
  opts: RecoveryOptions = {},
): Promise<ChangedExecution[]> {
  if (opts.executionIds && opts.executionIds.length === 0) return [];
  const rows = await trx
    .selectFrom('executions')
    .selectAll()
    .where('agent_id', '=', agentId)
    .where('status', '=', 'dispatched')
    .$if(opts.executionIds !== undefined, (q) => q.where('id', 'in', opts.executionIds!))
    .orderBy('id')
    .forUpdate()
    .execute();
  const out: ChangedExecution[] = [];
  for (const row of rows) {
    const changed = await recoverExecution(trx, row, reason, opts.ctx ?? SYSTEM_CONTEXT, opts.code);
    if (changed) out.push(changed);
  }
  return out;
}

/** Recovers one dispatched execution (see recoverAgentExecutions); null when it was no longer dispatched. */
export async function recoverExecution(
  trx: Kysely<Database>,
  row: ExecutionRow,
  reason: string,
  ctx: AuditContext = SYSTEM_CONTEXT,
  code: 'agent_lost' | 'abandoned' | 'agent_busy' = 'agent_lost',
): Promise<ChangedExecution | null> {
  let to: ExecutionStatus;
  let message: string;
  if (row.cancel_requested_at) {
    to = 'cancelled';
    message = `${reason}; the execution had been asked to cancel`;
  } else if (code === 'agent_busy') {
    // The tool never started, so running it again is safe whatever its idempotency.
    to = 'queued';
    message = `${reason}; the tool did not start and the execution is queued again`;
  } else if (row.idempotent && row.attempt < row.max_attempts) {
    to = 'queued';
    message = `${reason}; attempt ${row.attempt} of ${row.max_attempts} ended, the tool is idempotent and will run again`;
  } else if (row.idempotent) {
    to = 'failed';
    message = `${reason}; all ${row.max_attempts} attempts ended without a result`;
  } else {
    to = 'ambiguous';
    message = `${reason} while running a tool that is not idempotent; it may or may not have taken effect: retry it or mark it failed`;
  }
  const error = JSON.stringify({ code, message });
  const changed = await changeExecutionStatus(trx, {
    executionId: row.id,
    to,
    from: ['dispatched'],
    attempt: row.attempt,
    ...(row.agent_id ? { agentId: row.agent_id } : {}),
    set:
      to === 'queued'
        ? { agent_id: null, dispatched_at: null, deadline_at: null, queued_at: sql`now()` }
        : { finished_at: sql`now()`, error: to === 'cancelled' ? null : error },
    reason: message,
    ctx,
    action: 'execution.recover',
  });
  if (!changed) return null;
  await trx
    .updateTable('execution_attempts')
    .set({ status: to === 'queued' ? 'failed' : to, error, finished_at: sql`now()` })
    .where('execution_id', '=', row.id)
    .where('attempt', '=', row.attempt)
    .where('finished_at', 'is', null)
    .execute();
  await notifyDispatch(trx, row.workspace_id);
  return changed;
}
