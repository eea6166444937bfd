import { sql, type Kysely } from 'kysely';
import type { Agent } from '@xem/protocol';
import { notifyAgent, notifyDispatch } from '../channel/notify-agent';
import type { Database } from '../db/schema';
import { AppError, notFound } from '../http/app-error';
import { assertOwner, type Actor } from '../http/principal';
import { recordChange } from '../workspaces/record-change';
import { getAgentRow, toAgent, type AgentRow } from './agent-view';

/** Pausing or resuming is refused for agents that are revoked; they must enroll again. */
function assertNotRevoked(row: AgentRow, what: string): void {
  if (row.status === 'revoked') {
    throw new AppError(
      'conflict',
      `agent ${row.id} is revoked; it must enroll again before you can ${what} it`,
    );
  }
}

async function bindingOf(trx: Kysely<Database>, agentId: string, workspaceId: string) {
  const binding = await trx
    .selectFrom('workspace_agents')
    .select(['paused_at'])
    .where('agent_id', '=', agentId)
    .where('workspace_id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  if (!binding) throw notFound('workspace binding of this agent', workspaceId);
  return binding;
}

/**
 * Stops dispatch to the agent, or only for one of its workspaces (the binding's `paused_at`).
 * A whole-agent pause is kept in `agents.paused_at` / `pause_reason`, so it outlives a lapsed
 * lease and reconnects; the status becomes `paused` at once if the agent is online, else when
 * it next renews its lease. Running executions finish; the agent gets a `pause` frame.
 */
export async function pauseAgentExec(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  agentId: string,
  input: { reason: string; workspace_id?: string | undefined },
): Promise<Agent> {
  assertOwner(actor, 'pause agents');
  return db.transaction().execute(async (trx) => {
    const row = await getAgentRow(trx, projectId, agentId, true);
    assertNotRevoked(row, 'pause');
    const before = await toAgent(trx, row);
    if (input.workspace_id !== undefined) {
      await bindingOf(trx, agentId, input.workspace_id);
      await trx
        .updateTable('workspace_agents')
        .set({ paused_at: sql<Date>`coalesce(paused_at, now())`, pause_reason: input.reason })
        .where('agent_id', '=', agentId)
        .where('workspace_id', '=', input.workspace_id)
        .execute();
    } else {
      if (row.status === 'draining') {
        throw new AppError(
          'conflict',
          `agent ${agentId} is draining and takes no new work already; nothing to pause`,
        );
      }
      await trx
        .updateTable('agents')
        .set({
          paused_at: sql<Date>`coalesce(paused_at, now())`,
          pause_reason: input.reason,
          status: sql`CASE WHEN status = 'online' THEN 'paused' ELSE status END`,
          status_reason: sql`CASE WHEN status IN ('online', 'paused') THEN ${input.reason} ELSE status_reason END`,
        })
        .where('id', '=', agentId)
        .execute();
    }
    const after = await toAgent(trx, await getAgentRow(trx, projectId, agentId));
    await recordChange(trx, projectId, actor.ctx, {
      action: 'agent.pause',
      event: 'agent.paused',
      targetType: 'agent',
      targetId: agentId,
      before,
      after: { ...after, workspace_id: input.workspace_id ?? null, reason: input.reason },
      payload: after,
    });
    await notifyAgent(trx, {
      agent_id: agentId,
      frame: {
        type: 'pause',
        reason: input.reason,
        ...(input.workspace_id !== undefined ? { workspace_id: input.workspace_id } : {}),
      },
    });
    return after;
  });
}

/**
 * Reverses a pause: of one workspace binding, or of the agent (`paused_at` cleared; a `paused`
 * agent goes back to `online` while its lease is live on the database clock, else `offline`;
 * an agent paused while offline stays `offline`). Resuming what is not paused is a no-op; a
 * draining agent is not resumed (it is on its way out).
 */
export async function resumeAgentExec(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  agentId: string,
  input: { workspace_id?: string | undefined },
): Promise<Agent> {
  assertOwner(actor, 'resume agents');
  return db.transaction().execute(async (trx) => {
    const row = await getAgentRow(trx, projectId, agentId, true);
    assertNotRevoked(row, 'resume');
    const before = await toAgent(trx, row);
    let workspaces: string[];
    if (input.workspace_id !== undefined) {
      const binding = await bindingOf(trx, agentId, input.workspace_id);
      if (binding.paused_at === null) return before;
      await trx
        .updateTable('workspace_agents')
        .set({ paused_at: null, pause_reason: null })
        .where('agent_id', '=', agentId)
        .where('workspace_id', '=', input.workspace_id)
        .execute();
      workspaces = [input.workspace_id];
    } else {
      if (row.paused_at === null || row.status === 'draining') return before;
      await trx
        .updateTable('agents')
        .set({
          paused_at: null,
          pause_reason: null,
          status: sql`CASE WHEN status <> 'paused' THEN status
            WHEN lease_expires_at > now() THEN 'online' ELSE 'offline' END`,
          status_reason: sql`CASE WHEN status = 'paused' THEN NULL ELSE status_reason END`,
        })
        .where('id', '=', agentId)
        .execute();
      workspaces = before.workspace_ids;
    }
    const after = await toAgent(trx, await getAgentRow(trx, projectId, agentId));
    await recordChange(trx, projectId, actor.ctx, {
      action: 'agent.resume',
      event: 'agent.resumed',
      targetType: 'agent',
      targetId: agentId,
      before,
      after: { ...after, workspace_id: input.workspace_id ?? null },
      payload: after,
    });
    await notifyAgent(trx, {
      agent_id: agentId,
      frame: {
        type: 'resume',
        ...(input.workspace_id !== undefined ? { workspace_id: input.workspace_id } : {}),
      },
    });
    // Queued work of these workspaces may go to the agent now.
    for (const ws of workspaces) await notifyDispatch(trx, ws);
    return after;
  });
}
