import { sql, type Kysely } from 'kysely';
import type { Execution, ExecutionStatus } from '@xem/protocol';
import type { Database } from '../db/schema';
import type { AuditContext } from '../audit/audit-context';
import { notifyDispatch } from '../channel/notify-agent';
import { AppError } from '../http/app-error';
import { changeExecutionStatus } from './change-execution-status';
import { toExecution } from './execution-view';
import { getExecution } from './show-execution';
import { RETRYABLE } from './transitions';

/**
 * Operator retry: a failed, timed-out or ambiguous execution goes back to the queue; the next
 * dispatch is a new attempt of the same execution. It always gets at least that one attempt,
 * even when agent losses had used up its automatic ones.
 */
export async function retryExecution(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  ctx: AuditContext,
): Promise<Execution> {
  return db.transaction().execute(async (trx) => {
    const row = await getExecution(trx, projectId, id, true);
    if (!RETRYABLE.has(row.status as ExecutionStatus)) {
      throw new AppError(
        'conflict',
        `execution ${id} is ${row.status}; only failed, timed_out or ambiguous executions can be retried`,
      );
    }
    const changed = await changeExecutionStatus(trx, {
      executionId: id,
      to: 'queued',
      from: [...RETRYABLE],
      set: {
        agent_id: null,
        exit_code: null,
        error: null,
        cancel_requested_at: null,
        dispatched_at: null,
        deadline_at: null,
        finished_at: null,
        queued_at: sql`now()`,
        max_attempts: sql`greatest(max_attempts, attempt + 1)`,
      },
      reason: `retried by an operator after attempt ${row.attempt}`,
      ctx,
      action: 'execution.retry',
    });
    await notifyDispatch(trx, row.workspace_id);
    return toExecution(changed!);
  });
}

/** An operator resolves an ambiguous execution (the agent died mid-run) as failed. */
export async function markExecutionFailed(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  ctx: AuditContext,
): Promise<Execution> {
  return db.transaction().execute(async (trx) => {
    const row = await getExecution(trx, projectId, id, true);
    const changed = await changeExecutionStatus(trx, {
      executionId: id,
      to: 'failed',
      from: ['ambiguous'],
      set: {
        error: JSON.stringify({ code: 'marked_failed', message: 'marked failed by an operator' }),
        finished_at: sql`coalesce(finished_at, now())`,
      },
      reason: 'marked failed by an operator',
      ctx,
      action: 'execution.mark_failed',
    });
    if (!changed) {
      throw new AppError(
        'conflict',
        `execution ${id} is ${row.status}; only ambiguous executions can be marked failed`,
      );
    }
    return toExecution(changed);
  });
}
