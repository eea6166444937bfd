import type { Kysely } from 'kysely';
import { getAgent } from '../agents/agent-view';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { recoverAgentExecutions } from '../executions/recover-agent-executions';

/**
 * Records an agent that just became offline (its row already updated by the caller's
 * conditional UPDATE, in the same transaction): the `agent.offline` event, the audit row,
 * and the recovery of the executions it was running.
 */
export async function recordAgentOffline(
  trx: Kysely<Database>,
  agent: { id: string; project_id: string; previous_status: string },
  reason: string,
  ctx: AuditContext,
): Promise<void> {
  await appendEvent(trx, agent.project_id, 'agent.offline', await getAgent(trx, agent.project_id, agent.id));
  await appendAudit(trx, agent.project_id, ctx, {
    action: 'agent.offline',
    targetType: 'agent',
    targetId: agent.id,
    before: { status: agent.previous_status },
    after: { status: 'offline', reason },
  });
  await recoverAgentExecutions(trx, agent.id, reason, { ctx });
}
