import { sql, type Kysely } from 'kysely';
import type { Execution } from '@xem/protocol';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { notifyAgent } from '../channel/notify-agent';
import { cancelApproval, lockApprovalOf } from '../approvals/cancel-approval';
import { AppError } from '../http/app-error';
import { changeExecutionStatus } from './change-execution-status';
import { toExecution } from './execution-view';
import { getExecution } from './show-execution';

/**
 * Cancels an execution. Waiting work (pending approval, queued) is cancelled at once; running
 * work gets a `cancel` frame through the replica holding the agent's socket and becomes
 * `cancelled` when the agent's result says so. The row is locked first, so a dispatcher
 * (which skips locked rows) cannot claim it in between.
 */
export async function cancelExecution(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  ctx: AuditContext,
): Promise<Execution> {
  return db.transaction().execute(async (trx) => {
    // A decision locks the approval before the execution; so does a cancel, to never deadlock.
    const approval = await lockApprovalOf(trx, projectId, id);
    const row = await getExecution(trx, projectId, id, true);
    if (row.status === 'queued' || row.status === 'pending_approval') {
      const changed = await changeExecutionStatus(trx, {
        executionId: id,
        to: 'cancelled',
        from: [row.status],
        set: { cancel_requested_at: sql`now()`, finished_at: sql`now()` },
        reason: 'cancelled by an operator',
        ctx,
        action: 'execution.cancel',
      });
      if (approval) await cancelApproval(trx, projectId, approval, ctx);
      return toExecution(changed!);
    }
    if (row.status === 'dispatched' && row.agent_id) {
      const requested = await trx
        .updateTable('executions')
        .set({ cancel_requested_at: sql`coalesce(cancel_requested_at, now())` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (!row.cancel_requested_at) {
        await appendAudit(trx, projectId, ctx, {
          action: 'execution.cancel_requested',
          targetType: 'execution',
          targetId: id,
          after: { status: row.status, attempt: row.attempt, agent_id: row.agent_id },
        });
      }
      // Sent again on a repeated cancel: the earlier frame may have been lost with a socket.
      await notifyAgent(trx, {
        agent_id: row.agent_id,
        frame: { type: 'cancel', execution_id: id, attempt: row.attempt },
      });
      return toExecution(requested);
    }
    throw new AppError(
      'conflict',
      `execution ${id} is ${row.status}; only pending, queued or dispatched executions can be cancelled`,
    );
  });
}
