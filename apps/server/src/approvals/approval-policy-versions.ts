import type { Kysely } from 'kysely';
import type { ApprovalPolicy, ListQuery } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { decodeCursor, pageOf } from '../http/keyset-cursor';
import { getWorkspaceRow } from '../workspaces/workspace-view';
import { defaultPolicy, effectivePolicy, policyFromRow } from './approval-policy';
import { toApprovalPolicy } from './approval-policy-view';

const VERSION = /^[1-9]\d{0,9}$/;

/** The policy in force for a workspace of the project: its latest version, or the default (0). */
export async function getApprovalPolicy(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
): Promise<ApprovalPolicy> {
  await getWorkspaceRow(db, projectId, workspaceId);
  return toApprovalPolicy(workspaceId, await effectivePolicy(db, workspaceId));
}

/**
 * The stored versions of a workspace's policy, newest first, one keyset page (the cursor is the
 * last version of the page). The built-in default (version 0) is never stored, so a workspace
 * whose policy was never set has an empty history.
 */
export async function listPolicyVersions(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
  q: ListQuery,
): Promise<{ data: ApprovalPolicy[]; next_cursor: string | null }> {
  await getWorkspaceRow(db, projectId, workspaceId);
  const before = q.cursor === undefined ? null : decodeCursor(q.cursor, 'text')[0]!;
  if (before !== null && !VERSION.test(before)) {
    throw new AppError('invalid_query', 'cursor is not one this API handed out', { param: 'cursor' });
  }
  const rows = await db
    .selectFrom('approval_policy_versions')
    .select(['version', 'levels', 'created_at', 'created_by'])
    .where('workspace_id', '=', workspaceId)
    .$if(before !== null, (b) => b.where('version', '<', Number(before)))
    .orderBy('version', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [String(r.version)]);
  return {
    data: page.rows.map((r) => toApprovalPolicy(workspaceId, policyFromRow(r))),
    next_cursor: page.next_cursor,
  };
}

/** One version of a workspace's policy; 0 is the built-in default. */
export async function getPolicyVersion(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
  version: number,
): Promise<ApprovalPolicy> {
  await getWorkspaceRow(db, projectId, workspaceId);
  if (version === 0) return toApprovalPolicy(workspaceId, defaultPolicy());
  const row = await db
    .selectFrom('approval_policy_versions')
    .select(['version', 'levels', 'created_at', 'created_by'])
    .where('workspace_id', '=', workspaceId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) {
    throw new AppError(
      'not_found',
      `workspace ${workspaceId} has no approval policy version ${version}; list them with GET …/approval-policy/versions`,
    );
  }
  return toApprovalPolicy(workspaceId, policyFromRow(row));
}
