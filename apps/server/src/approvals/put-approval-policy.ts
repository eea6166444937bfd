import type { Kysely } from 'kysely';
import type { ApprovalPolicy, PutApprovalPolicyRequest } from '@xem/protocol';
import { appendAudit } from '../audit/append-audit';
import { canonicalJson } from '../audit/canonical-json';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { assertOwner, type Actor } from '../http/principal';
import { getWorkspaceRow } from '../workspaces/workspace-view';
import { effectivePolicy, policyFromRow } from './approval-policy';
import { toApprovalPolicy } from './approval-policy-view';
import { validatePolicyLevels } from './validate-policy-levels';

/**
 * Stores the next version of a workspace's approval policy: the current policy with the given
 * levels replaced whole (levels left out keep their current value), audited as
 * `approval_policy.update` and announced as `workspace.policy_updated`. A PUT that changes
 * nothing answers the current policy and stores nothing: a new version would invalidate the
 * workspace's pending approvals (the version is part of their action hash) for no reason.
 *
 * Concurrent writers of one workspace are serialised by a lock on its row, taken before the
 * current version is read: each builds on the version the previous one committed, so versions
 * are consecutive and a partial update never loses another's change. The primary key
 * (workspace_id, version) would refuse a duplicate version if that ever failed.
 */
export async function putApprovalPolicy(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
  input: PutApprovalPolicyRequest,
): Promise<ApprovalPolicy> {
  assertOwner(actor, 'change approval policies');
  return db.transaction().execute(async (trx) => {
    await getWorkspaceRow(trx, projectId, workspaceId, true);
    await validatePolicyLevels(trx, projectId, input.levels);
    const current = await effectivePolicy(trx, workspaceId);
    const levels = { ...current.levels, ...input.levels };
    if (canonicalJson(levels) === canonicalJson(current.levels))
      return toApprovalPolicy(workspaceId, current);
    const row = await trx
      .insertInto('approval_policy_versions')
      .values({
        workspace_id: workspaceId,
        version: current.version + 1,
        project_id: projectId,
        levels: JSON.stringify(levels),
        created_by: actor.userId,
      })
      .returning(['version', 'levels', 'created_at', 'created_by'])
      .executeTakeFirstOrThrow();
    const after = toApprovalPolicy(workspaceId, policyFromRow(row));
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'approval_policy.update',
      targetType: 'workspace',
      targetId: workspaceId,
      before: { version: current.version, levels: current.levels },
      after: { version: after.version, levels: after.levels },
    });
    await appendEvent(trx, projectId, 'workspace.policy_updated', after);
    return after;
  });
}
