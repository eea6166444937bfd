import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import { startBatchSweeper } from '../loops/start-batch-sweeper';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import { notifyAgent, notifyDispatch } from '../channel/notify-agent';
import { changeExecutionStatus } from './change-execution-status';

/** Overdue executions timed out per sweep transaction; the next sweep follows at once when full. */
const BATCH = 100;

/**
 * The timeout backstop for agents that never report: a dispatched execution past its
 * `deadline_at` (database clock) becomes `timed_out` and its agent gets a `cancel` frame.
 * States: idle (timer armed for the next poll interval) → sweeping → idle; stopped ends the
 * timer and waits for a running sweep. Replicas sweep concurrently; SKIP LOCKED splits the rows.
 */
export function startExecutionSweeper(
  deps: Pick<AppDeps, 'db' | 'config'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  return startBatchSweeper({
    name: 'execution timeout sweep',
    intervalMs: deps.config.dispatchPollIntervalMs,
    batchSize: BATCH,
    sweepBatch: () => sweepOverdueExecutions(deps),
    log,
  });
}

/** One batch: returns how many executions it timed out. */
export async function sweepOverdueExecutions(deps: Pick<AppDeps, 'db'>): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const overdue = await trx
      .selectFrom('executions')
      .select(['id', 'attempt', 'agent_id', 'workspace_id', 'timeout_ms'])
      .where('status', '=', 'dispatched')
      .where('deadline_at', '<', sql<Date>`now()`)
      .orderBy('deadline_at')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    let n = 0;
    for (const e of overdue) {
      const error = JSON.stringify({
        code: 'deadline_exceeded',
        message: `no result within the ${e.timeout_ms} ms timeout plus grace; the agent was asked to cancel`,
      });
      const changed = await changeExecutionStatus(trx, {
        executionId: e.id,
        to: 'timed_out',
        from: ['dispatched'],
        attempt: e.attempt,
        set: { error, finished_at: sql`now()` },
        reason: 'deadline passed without a result',
        ctx: SYSTEM_CONTEXT,
        action: 'execution.timeout',
      });
      if (!changed) continue;
      n += 1;
      await trx
        .updateTable('execution_attempts')
        .set({ status: 'timed_out', error, finished_at: sql`now()` })
        .where('execution_id', '=', e.id)
        .where('attempt', '=', e.attempt)
        .execute();
      if (e.agent_id) {
        await notifyAgent(trx, {
          agent_id: e.agent_id,
          frame: { type: 'cancel', execution_id: e.id, attempt: e.attempt },
        });
      }
      await notifyDispatch(trx, e.workspace_id);
    }
    return n;
  });
}
