import type { Kysely, Selectable } from 'kysely';
import {
  LevelPolicy,
  type Approval,
  type ApprovalStatus,
  type ApprovalVote,
  type ExecutionSource,
  type Risk,
} from '@xem/protocol';
import type { ApprovalsTable, Database } from '../db/schema';

export type ApprovalRow = Selectable<ApprovalsTable>;

/** The frozen level policy an approval was requested under. */
export function policyOf(row: ApprovalRow): LevelPolicy {
  return LevelPolicy.parse(row.policy);
}

/** The current stage's settings: approvers, N, and its timeout in seconds. */
export function stageOf(row: ApprovalRow, index = row.stage_index) {
  const policy = policyOf(row);
  const stage = policy.escalation[index]!;
  return {
    approvers: stage.approvers,
    requiredApprovals: stage.required_approvals,
    timeoutSeconds: stage.timeout_seconds ?? policy.timeout_seconds,
    count: policy.escalation.length,
    policy,
  };
}

/** The API shape of an approval, with its votes and the execution's tool, args and source. */
export async function loadApproval(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<Approval | null> {
  const row = await db
    .selectFrom('approvals as a')
    .innerJoin('executions as e', 'e.id', 'a.execution_id')
    .selectAll('a')
    .select(['e.args', 'e.source'])
    .where('a.id', '=', id)
    .where('a.project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) return null;
  const votes = await db
    .selectFrom('approval_votes')
    .selectAll()
    .where('approval_id', '=', id)
    .orderBy('at')
    .orderBy('voter')
    .execute();
  return toApproval(row, row.args as Record<string, unknown>, row.source as ExecutionSource, votes);
}

export function toApproval(
  row: ApprovalRow,
  args: Record<string, unknown>,
  source: ExecutionSource,
  votes: Array<{
    stage_index: number;
    decision: string;
    user_id: string | null;
    email: string | null;
    via: string;
    note: string | null;
    reason: string | null;
    at: Date;
  }>,
): Approval {
  const stage = stageOf(row);
  const status = row.status as ApprovalStatus;
  return {
    id: row.id,
    execution_id: row.execution_id,
    workspace_id: row.workspace_id,
    tool: row.tool,
    args,
    risk: row.risk as Risk,
    status,
    decision: status === 'approved' ? 'approved' : status === 'rejected' ? 'rejected' : null,
    stage_index: row.stage_index,
    stage_count: stage.count,
    required_approvals: stage.requiredApprovals,
    approvals_so_far: votes.filter((v) => v.stage_index === row.stage_index && v.decision === 'approve')
      .length,
    approvers: stage.approvers,
    self_approval: stage.policy.self_approval,
    on_timeout: stage.policy.on_timeout,
    policy_version: row.policy_version,
    action_hash: row.action_hash,
    requested_by: { user_id: row.requested_by_user, key_id: row.requested_by_key, source },
    stage_deadline_at: row.stage_deadline_at.toISOString(),
    created_at: row.created_at.toISOString(),
    decided_at: row.decided_at?.toISOString() ?? null,
    decided_by:
      row.decided_via === null
        ? null
        : {
            user_id: row.decided_by_user,
            email: row.decided_by_email,
            via: row.decided_via as NonNullable<Approval['decided_by']>['via'],
          },
    note: row.note,
    reason: row.reason,
    votes: votes.map((v): ApprovalVote => ({
      stage_index: v.stage_index,
      decision: v.decision as ApprovalVote['decision'],
      user_id: v.user_id,
      email: v.email,
      via: v.via as ApprovalVote['via'],
      note: v.note,
      reason: v.reason,
      at: v.at.toISOString(),
    })),
  };
}
