import type { ApprovalPolicy } from '@xem/protocol';
import type { EffectivePolicy } from './approval-policy';

/** The API shape of a workspace's policy version. */
export function toApprovalPolicy(workspaceId: string, p: EffectivePolicy): ApprovalPolicy {
  return {
    workspace_id: workspaceId,
    version: p.version,
    levels: p.levels,
    updated_at: p.updatedAt?.toISOString() ?? null,
    updated_by: p.updatedBy,
  };
}
