import { sql, type Kysely } from 'kysely';
import type { Agent } from '@xem/protocol';
import { notifyAgent } from '../channel/notify-agent';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { assertOwner, type Actor } from '../http/principal';
import { recordChange } from '../workspaces/record-change';
import { getAgentRow, toAgent } from './agent-view';

/** WebSocket close code for a channel whose credentials were revoked. */
export const CLOSE_CREDENTIALS_REVOKED = 4401;

export async function updateAgent(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  agentId: string,
  input: { description?: string | undefined },
): Promise<Agent> {
  assertOwner(actor, 'change agents');
  return db.transaction().execute(async (trx) => {
    const row = await getAgentRow(trx, projectId, agentId, true);
    const before = await toAgent(trx, row);
    if (input.description === undefined || input.description === row.description) return before;
    const updated = await trx
      .updateTable('agents')
      .set({ description: input.description })
      .where('id', '=', agentId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await toAgent(trx, updated);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'agent.update',
      event: 'agent.updated',
      targetType: 'agent',
      targetId: agentId,
      before,
      after,
    });
    return after;
  });
}

/**
 * Asks the agent to finish its running executions and take no more (status `draining`, a
 * `drain` frame). The channel marks it offline when its socket closes.
 */
export async function drainAgent(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  agentId: string,
): Promise<Agent> {
  assertOwner(actor, 'drain agents');
  return db.transaction().execute(async (trx) => {
    const row = await getAgentRow(trx, projectId, agentId, true);
    if (row.status === 'revoked') {
      throw new AppError('conflict', `agent ${agentId} is revoked; there is nothing to drain`);
    }
    const before = await toAgent(trx, row);
    if (row.status === 'draining') return before;
    const updated = await trx
      .updateTable('agents')
      .set({ status: 'draining', status_reason: 'drain requested by an operator' })
      .where('id', '=', agentId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await toAgent(trx, updated);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'agent.drain',
      event: 'agent.draining',
      targetType: 'agent',
      targetId: agentId,
      before,
      after,
    });
    await notifyAgent(trx, {
      agent_id: agentId,
      frame: { type: 'drain', reason: 'requested by an operator' },
    });
    return after;
  });
}

/**
 * Revokes every credential of the agent and closes its channel: status `revoked`, it cannot
 * refresh and must enroll again with a join key (which keeps its id).
 */
export async function revokeAgentCredentials(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  agentId: string,
): Promise<Agent> {
  assertOwner(actor, 'revoke agent credentials');
  return db.transaction().execute(async (trx) => {
    const row = await getAgentRow(trx, projectId, agentId, true);
    const before = await toAgent(trx, row);
    if (row.status === 'revoked') return before;
    const updated = await trx
      .updateTable('agents')
      .set({
        status: 'revoked',
        status_reason: 'credentials revoked by an operator',
        revoked_at: sql<Date>`now()`,
      })
      .where('id', '=', agentId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const revoked = await trx
      .updateTable('agent_credentials')
      .set({ revoked_at: sql<Date>`now()` })
      .where('agent_id', '=', agentId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    await trx.deleteFrom('agent_challenges').where('agent_id', '=', agentId).execute();
    const after = await toAgent(trx, updated);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'agent.revoke_credentials',
      event: 'agent.revoked',
      targetType: 'agent',
      targetId: agentId,
      before,
      after: { ...after, credentials_revoked: revoked.length },
      payload: after,
    });
    await notifyAgent(trx, {
      agent_id: agentId,
      frame: null,
      close: { code: CLOSE_CREDENTIALS_REVOKED, reason: 'credentials revoked' },
    });
    return after;
  });
}
