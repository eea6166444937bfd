import { sql, type Kysely } from 'kysely';
import type { LevelPolicy } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { newId } from '../ids';
import { actionHashSql } from './action-hash';
import { loadApproval } from './approval-view';
import { notifyStage, type NotifySettings } from './notify-stage';

/**
 * Creates the approval of an execution that just entered `pending_approval`, in the caller's
 * transaction: the level policy is frozen on it, the action hash is computed from the stored
 * row, the first stage's deadline is set on the database clock, and `approval.requested` is
 * written, and the first stage's approvers are notified (outbox). The execution row already
 * carries `approval_id` (see newApprovalId).
 */
export async function requestApproval(
  trx: Kysely<Database>,
  id: string,
  executionId: string,
  policy: { version: number; level: LevelPolicy },
  ctx: AuditContext,
  notify: NotifySettings,
): Promise<void> {
  const first = policy.level.escalation[0]!;
  const timeout = first.timeout_seconds ?? policy.level.timeout_seconds;
  const row = await trx
    .insertInto('approvals')
    .columns([
      'id',
      'project_id',
      'execution_id',
      'workspace_id',
      'tool',
      'risk',
      'policy_version',
      'policy',
      'action_hash',
      'stage_deadline_at',
      'requested_by_user',
      'requested_by_key',
    ])
    .expression((eb) =>
      eb
        .selectFrom('executions as e')
        .select([
          sql.lit(id).as('id'),
          'e.project_id',
          'e.id',
          'e.workspace_id',
          'e.tool',
          'e.risk',
          sql<number>`${policy.version}::int`.as('policy_version'),
          sql`${JSON.stringify(policy.level)}::jsonb`.as('policy'),
          actionHashSql('e', policy.version).as('action_hash'),
          sql<Date>`now() + make_interval(secs => ${timeout})`.as('stage_deadline_at'),
          'e.created_by_user',
          'e.created_by_key',
        ])
        .where('e.id', '=', executionId),
    )
    .returning(['id', 'project_id'])
    .executeTakeFirstOrThrow();
  const view = (await loadApproval(trx, row.project_id, id))!;
  await appendEvent(trx, row.project_id, 'approval.requested', view);
  await appendAudit(trx, row.project_id, ctx, {
    action: 'approval.request',
    targetType: 'approval',
    targetId: id,
    before: null,
    after: { execution_id: executionId, tool: view.tool, risk: view.risk, policy_version: policy.version },
  });
  await notifyStage(trx, notify, id);
}

/** Approval ids are drawn before the execution row is written, so the row names its approval. */
export function newApprovalId(): string {
  return newId('apr');
}
