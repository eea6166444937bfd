import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { AppDeps } from '../app-deps';
import { appendAudit } from '../audit/append-audit';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { changeExecutionStatus } from '../executions/change-execution-status';
import { startBatchSweeper } from '../loops/start-batch-sweeper';
import { actionHashSql } from './action-hash';
import { loadApproval, stageOf } from './approval-view';

const BATCH = 50;

/** Hook run in the sweep's transaction when an approval enters a new stage (notifications). */
export type StageEntered = (trx: Kysely<Database>, approvalId: string) => Promise<void>;

/**
 * Drives approvals on the database clock: a pending approval whose stage deadline passed moves
 * to its next stage (`on_timeout: escalate` and a next stage exists) or ends `timed_out` with
 * its execution `rejected`. It also rejects queued executions whose approval no longer matches
 * the action (the dispatcher never claims them). Replicas sweep concurrently: rows are locked
 * with SKIP LOCKED, and decisions hold the same row lock, so each approval changes once.
 */
export function startApprovalSweeper(
  deps: Pick<AppDeps, 'db' | 'config'>,
  onStage: StageEntered | null,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  return startBatchSweeper({
    name: 'approval sweep',
    intervalMs: deps.config.dispatchPollIntervalMs,
    batchSize: BATCH,
    sweepBatch: async () => (await sweepDueApprovals(deps.db, onStage)) + (await sweepMismatched(deps.db)),
    log,
  });
}

/** One batch of due approvals; returns how many changed. */
export async function sweepDueApprovals(db: Kysely<Database>, onStage: StageEntered | null): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('approvals')
      .selectAll()
      .where('status', '=', 'pending')
      .where('stage_deadline_at', '<=', sql<Date>`now()`)
      .orderBy('stage_deadline_at')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of due) {
      const stage = stageOf(row);
      const next = row.stage_index + 1;
      if (stage.policy.on_timeout === 'escalate' && next < stage.count) {
        const timeout = stageOf(row, next).timeoutSeconds;
        await trx
          .updateTable('approvals')
          .set({
            stage_index: next,
            stage_deadline_at: sql<Date>`now() + make_interval(secs => ${timeout})`,
          })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .execute();
        const view = (await loadApproval(trx, row.project_id, row.id))!;
        await appendEvent(trx, row.project_id, 'approval.escalated', {
          ...view,
          from_stage_index: row.stage_index,
        });
        await appendAudit(trx, row.project_id, SYSTEM_CONTEXT, {
          action: 'approval.escalate',
          targetType: 'approval',
          targetId: row.id,
          before: { stage_index: row.stage_index },
          after: { stage_index: next, approvers: view.approvers },
        });
        await onStage?.(trx, row.id);
        continue;
      }
      await trx
        .updateTable('approvals')
        .set({ status: 'timed_out', decided_at: sql<Date>`now()`, decided_via: 'system' })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
      await changeExecutionStatus(trx, {
        executionId: row.execution_id,
        to: 'rejected',
        from: ['pending_approval'],
        set: { finished_at: sql<Date>`now()` },
        reason: `approval ${row.id} timed out`,
        ctx: SYSTEM_CONTEXT,
        action: 'execution.reject',
      });
      const view = (await loadApproval(trx, row.project_id, row.id))!;
      await appendEvent(trx, row.project_id, 'approval.timed_out', { ...view, action_taken: 'rejected' });
      await appendAudit(trx, row.project_id, SYSTEM_CONTEXT, {
        action: 'approval.timeout',
        targetType: 'approval',
        targetId: row.id,
        before: { status: 'pending', stage_index: row.stage_index },
        after: { status: 'timed_out', execution: 'rejected' },
      });
    }
    return due.length;
  });
}

/**
 * Queued executions whose approval is not `approved` or whose action no longer hashes to the
 * approved one: the approval becomes `invalidated` and the execution `rejected`.
 */
export async function sweepMismatched(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const bad = await trx
      .selectFrom('executions as e')
      .innerJoin('approvals as a', 'a.id', 'e.approval_id')
      .select(['e.id as execution_id', 'a.id', 'a.project_id', 'a.status'])
      .where('e.status', '=', 'queued')
      .where((eb) =>
        eb.or([
          eb('a.status', '<>', 'approved'),
          eb('a.action_hash', '<>', actionHashSql('e', sql.ref('a.policy_version'))),
        ]),
      )
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const b of bad) {
      await trx.updateTable('approvals').set({ status: 'invalidated' }).where('id', '=', b.id).execute();
      await changeExecutionStatus(trx, {
        executionId: b.execution_id,
        to: 'rejected',
        from: ['queued'],
        set: { finished_at: sql<Date>`now()` },
        reason: `the action no longer matches approval ${b.id}`,
        ctx: SYSTEM_CONTEXT,
        action: 'execution.reject',
      });
      const view = (await loadApproval(trx, b.project_id, b.id))!;
      await appendEvent(trx, b.project_id, 'approval.invalidated', view);
    }
    return bad.length;
  });
}
