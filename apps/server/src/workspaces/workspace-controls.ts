import { sql, type Kysely } from 'kysely';
import type { Workspace } from '@xem/protocol';
import { notifyDispatch } from '../channel/notify-agent';
import type { Database } from '../db/schema';
import { notFound } from '../http/app-error';
import { assertOwner, type Actor } from '../http/principal';
import { recordChange } from './record-change';
import { getWorkspaceRow, toWorkspace } from './workspace-view';

/** Stops dispatch for the workspace; executions already dispatched run to their end. */
export async function pauseWorkspace(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
  reason: string,
): Promise<Workspace> {
  assertOwner(actor, 'pause workspaces');
  return db.transaction().execute(async (trx) => {
    const old = await getWorkspaceRow(trx, projectId, workspaceId, true);
    const before = await toWorkspace(trx, old);
    const row = await trx
      .updateTable('workspaces')
      // A second pause updates the reason but keeps the time the pause began.
      .set({ paused_at: sql<Date>`coalesce(paused_at, now())`, pause_reason: reason })
      .where('id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await toWorkspace(trx, row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.pause',
      event: 'workspace.paused',
      targetType: 'workspace',
      targetId: workspaceId,
      before,
      after,
    });
    return after;
  });
}

export async function resumeWorkspace(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
): Promise<Workspace> {
  assertOwner(actor, 'resume workspaces');
  return db.transaction().execute(async (trx) => {
    const old = await getWorkspaceRow(trx, projectId, workspaceId, true);
    if (old.paused_at === null) return toWorkspace(trx, old);
    const before = await toWorkspace(trx, old);
    const row = await trx
      .updateTable('workspaces')
      .set({ paused_at: null, pause_reason: null })
      .where('id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await toWorkspace(trx, row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.resume',
      event: 'workspace.resumed',
      targetType: 'workspace',
      targetId: workspaceId,
      before,
      after,
    });
    // Work queued while paused can go now.
    await notifyDispatch(trx, workspaceId);
    return after;
  });
}

/** Lets the agent take the workspace's executions (binding twice is a no-op). */
export async function bindAgent(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
  agentId: string,
): Promise<Workspace> {
  assertOwner(actor, 'bind agents to workspaces');
  return db.transaction().execute(async (trx) => {
    const ws = await getWorkspaceRow(trx, projectId, workspaceId, true);
    const agent = await trx
      .selectFrom('agents')
      .select('id')
      .where('project_id', '=', projectId)
      .where('id', '=', agentId)
      .executeTakeFirst();
    if (!agent) throw notFound('agent', agentId);
    const before = await toWorkspace(trx, ws);
    const inserted = await trx
      .insertInto('workspace_agents')
      .values({ workspace_id: workspaceId, agent_id: agentId })
      .onConflict((oc) => oc.columns(['workspace_id', 'agent_id']).doNothing())
      .returning('agent_id')
      .executeTakeFirst();
    if (!inserted) return before;
    const after = await toWorkspace(trx, ws);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.bind_agent',
      event: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      before,
      after: { ...after, bound_agent_id: agentId },
      payload: after,
    });
    // The agent may take work that was waiting for an executor.
    await notifyDispatch(trx, workspaceId);
    return after;
  });
}

/** Stops new dispatch of the workspace's executions to the agent; running ones finish. */
export async function unbindAgent(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
  agentId: string,
): Promise<Workspace> {
  assertOwner(actor, 'unbind agents from workspaces');
  return db.transaction().execute(async (trx) => {
    const ws = await getWorkspaceRow(trx, projectId, workspaceId, true);
    const before = await toWorkspace(trx, ws);
    const removed = await trx
      .deleteFrom('workspace_agents')
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agentId)
      .returning('agent_id')
      .executeTakeFirst();
    // Only bound agents of this workspace can be named here; anything else is unknown to it.
    if (!removed) throw notFound('agent bound to this workspace', agentId);
    const after = await toWorkspace(trx, ws);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.unbind_agent',
      event: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      before,
      after: { ...after, unbound_agent_id: agentId },
      payload: after,
    });
    return after;
  });
}
