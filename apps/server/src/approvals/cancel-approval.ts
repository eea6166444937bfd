import { sql, type Kysely } from 'kysely';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { loadApproval } from './approval-view';

/** Locks the pending approval of an execution (if any) and returns its id. */
export async function lockApprovalOf(
  trx: Kysely<Database>,
  projectId: string,
  executionId: string,
): Promise<string | null> {
  const row = await trx
    .selectFrom('approvals')
    .select('id')
    .where('project_id', '=', projectId)
    .where('execution_id', '=', executionId)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The execution was cancelled: its pending approval ends `cancelled` (event and audit row). */
export async function cancelApproval(
  trx: Kysely<Database>,
  projectId: string,
  approvalId: string,
  ctx: AuditContext,
): Promise<void> {
  const done = await trx
    .updateTable('approvals')
    .set({ status: 'cancelled', decided_at: sql<Date>`now()`, decided_via: 'system' })
    .where('id', '=', approvalId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  if (!done) return;
  await appendEvent(trx, projectId, 'approval.cancelled', (await loadApproval(trx, projectId, approvalId))!);
  await appendAudit(trx, projectId, ctx, {
    action: 'approval.cancel',
    targetType: 'approval',
    targetId: approvalId,
    before: { status: 'pending' },
    after: { status: 'cancelled', reason: 'its execution was cancelled' },
  });
}
