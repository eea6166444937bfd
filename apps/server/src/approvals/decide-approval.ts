import { sql, type Kysely } from 'kysely';
import type { Approval } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit, auditDenied } from '../audit/append-audit';
import { notifyDispatch } from '../channel/notify-agent';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { changeExecutionStatus } from '../executions/change-execution-status';
import { AppError } from '../http/app-error';
import { actionHashSql } from './action-hash';
import { effectivePolicy } from './approval-policy';
import { loadApproval, stageOf, type ApprovalRow } from './approval-view';
import { authorityOf, type Decider } from './approver-authority';

export interface DecisionInput {
  projectId: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  note?: string | undefined;
  reason?: string | undefined;
  /** For irreversible tools: the tool name, typed exactly. */
  confirm?: string | undefined;
  who: Decider;
  via: 'dashboard' | 'api' | 'cli' | 'link' | 'chat' | 'mcp';
  /** A link decision: the token's nonce, consumed in the decision's transaction. */
  linkJti?: string;
  ctx: AuditContext;
}

class Refusal extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/**
 * Records one person's decision. Everything happens in one transaction holding the approval's
 * row lock, so approvals, rejections, the timeout sweeper and escalation are serialised per
 * approval and each state change is a conditional UPDATE on `status = 'pending'` (and the
 * stage): exactly one of them wins, the others get 409 `approval_already_decided`. A refusal
 * (not authorised, wrong confirmation) is audited as denied.
 */
export async function decideApproval(db: Kysely<Database>, input: DecisionInput): Promise<Approval> {
  let outcome: Outcome;
  try {
    outcome = await db.transaction().execute((trx) => decideIn(trx, input));
  } catch (err) {
    if (err instanceof Refusal) {
      await auditDenied(db, input.projectId, input.ctx, {
        action: `approval.${input.decision}`,
        targetType: 'approval',
        targetId: input.approvalId,
        after: { code: err.error.code, reason: err.error.message },
      });
      throw err.error;
    }
    throw err;
  }
  if (outcome === 'invalidated') {
    throw new AppError(
      'approval_invalidated',
      `the action of approval ${input.approvalId} changed after it was requested (tool, arguments, workspace or policy); it was invalidated and its execution rejected — request it again`,
    );
  }
  return (await loadApproval(db, input.projectId, input.approvalId))!;
}

type Outcome = 'voted' | 'approved' | 'rejected' | 'invalidated';

/** The same answer for every bad link, so a token reveals nothing about approvals. */
export const LINK_INVALID_MESSAGE = 'this approval link is invalid, expired or already used';

async function consumeLink(
  trx: Kysely<Database>,
  row: ApprovalRow,
  jti: string,
  email: string,
): Promise<void> {
  const used = await trx
    .updateTable('approval_links')
    .set({ used_at: sql<Date>`now()` })
    .where('jti', '=', jti)
    .where('approval_id', '=', row.id)
    .where('stage_index', '=', row.stage_index)
    .where('email', '=', email.toLowerCase())
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    // A link lives no longer than its stage, even before the sweeper moves the approval on.
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('approvals')
          .select('id')
          .where('id', '=', row.id)
          .where('stage_deadline_at', '>', sql<Date>`now()`),
      ),
    )
    .returning('jti')
    .executeTakeFirst();
  if (!used) throw new AppError('approval_link_invalid', LINK_INVALID_MESSAGE);
}

async function decideIn(trx: Kysely<Database>, input: DecisionInput): Promise<Outcome> {
  const row = await trx
    .selectFrom('approvals')
    .selectAll()
    .where('id', '=', input.approvalId)
    .where('project_id', '=', input.projectId)
    .forUpdate()
    .executeTakeFirst();
  if (input.linkJti !== undefined) {
    if (!row || row.status !== 'pending') throw new AppError('approval_link_invalid', LINK_INVALID_MESSAGE);
    await consumeLink(trx, row, input.linkJti, input.who.email);
  }
  if (!row) throw new AppError('not_found', `approval ${input.approvalId} was not found`);
  if (row.status !== 'pending') {
    throw new AppError(
      'approval_already_decided',
      `approval ${row.id} is already ${row.status}${row.decided_at ? ` (${row.decided_at.toISOString()})` : ''}`,
    );
  }
  const authority = await authorityOf(trx, row, input.who);
  if (!authority.allowed) throw new Refusal(new AppError('approver_not_authorized', authority.reason!));
  if (input.decision === 'approve' && row.risk === 'irreversible' && input.confirm !== row.tool) {
    throw new Refusal(
      new AppError(
        'approval_confirm_mismatch',
        `approving an irreversible tool needs "confirm" set to the tool name exactly (${row.tool})`,
        { param: 'confirm' },
      ),
    );
  }

  const voter = input.who.kind === 'user' ? input.who.userId : `email:${input.who.email.toLowerCase()}`;
  const vote = await trx
    .insertInto('approval_votes')
    .values({
      approval_id: row.id,
      stage_index: row.stage_index,
      voter,
      decision: input.decision,
      user_id: input.who.kind === 'user' ? input.who.userId : null,
      email: input.who.email,
      via: input.via,
      note: input.note ?? null,
      reason: input.reason ?? null,
    })
    .onConflict((oc) => oc.columns(['approval_id', 'stage_index', 'voter']).doNothing())
    .returning('voter')
    .executeTakeFirst();
  if (!vote) throw new AppError('conflict', `you already voted on approval ${row.id} at this stage`);
  await appendAudit(trx, row.project_id, input.ctx, {
    action: `approval.${input.decision}`,
    targetType: 'approval',
    targetId: row.id,
    before: { status: row.status, stage_index: row.stage_index },
    after: { vote: input.decision, note: input.note ?? null, reason: input.reason ?? null, via: input.via },
  });

  if (input.decision === 'reject') return finish(trx, row, 'rejected', input);
  const approvals = await trx
    .selectFrom('approval_votes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('approval_id', '=', row.id)
    .where('stage_index', '=', row.stage_index)
    .where('decision', '=', 'approve')
    .executeTakeFirstOrThrow();
  if (Number(approvals.n) < stageOf(row).requiredApprovals) return 'voted';
  return finish(trx, row, (await stillMatches(trx, row)) ? 'approved' : 'invalidated', input);
}

/** The action as it stands (tool, args, workspace, current policy version) still hashes to what was requested. */
async function stillMatches(trx: Kysely<Database>, row: ApprovalRow): Promise<boolean> {
  const policy = await effectivePolicy(trx, row.workspace_id);
  if (policy.version !== row.policy_version) return false;
  const current = await trx
    .selectFrom('executions as e')
    .select(actionHashSql('e', row.policy_version).as('h'))
    .where('e.id', '=', row.execution_id)
    .executeTakeFirstOrThrow();
  return current.h === row.action_hash;
}

/** Ends the approval (conditional on it still pending) and moves its execution on. */
async function finish(
  trx: Kysely<Database>,
  row: ApprovalRow,
  status: 'approved' | 'rejected' | 'invalidated',
  input: DecisionInput,
): Promise<Outcome> {
  const ended = await trx
    .updateTable('approvals')
    .set({
      status,
      decided_at: sql<Date>`now()`,
      decided_by_user: input.who.kind === 'user' ? input.who.userId : null,
      decided_by_email: input.who.email,
      decided_via: input.via,
      note: input.note ?? null,
      reason: status === 'invalidated' ? 'the action changed after it was requested' : (input.reason ?? null),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .where('stage_index', '=', row.stage_index)
    .returning('id')
    .executeTakeFirst();
  if (!ended) throw new AppError('approval_already_decided', `approval ${row.id} was decided meanwhile`);

  const to = status === 'approved' ? 'queued' : 'rejected';
  const exec = await changeExecutionStatus(trx, {
    executionId: row.execution_id,
    to,
    from: ['pending_approval'],
    set: to === 'queued' ? { queued_at: sql<Date>`now()` } : { finished_at: sql<Date>`now()` },
    reason: status === 'approved' ? `approved (${row.id})` : `approval ${status} (${row.id})`,
    ctx: input.ctx,
    action: status === 'approved' ? 'execution.approve' : 'execution.reject',
  });
  if (exec && to === 'queued') await notifyDispatch(trx, row.workspace_id);

  const view = (await loadApproval(trx, row.project_id, row.id))!;
  await appendEvent(trx, row.project_id, 'approval.decided', view);
  // An invalidation is committed (it must stick) and reported to the caller afterwards.
  return status;
}
