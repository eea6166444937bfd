import { sql, type Kysely, type Selectable } from 'kysely';
import type { Agent, ListQuery } from '@xem/protocol';
import type { AgentsTable, Database } from '../db/schema';
import { notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, pageOf } from '../http/keyset-cursor';

export type AgentRow = Selectable<AgentsTable>;

/** Finds an agent of the project; another project's agent is a 404 like a missing one. */
export async function getAgentRow(
  db: Kysely<Database>,
  projectId: string,
  agentId: string,
  lock = false,
): Promise<AgentRow> {
  const row = await db
    .selectFrom('agents')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', agentId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('agent', agentId);
  return row;
}

/**
 * The API shape of agents: tool count from the stored manifest, in-flight from dispatched
 * executions, workspaces (and those paused for the agent) from its bindings.
 */
export async function toAgents(db: Kysely<Database>, rows: AgentRow[]): Promise<Agent[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tools, inFlight, bindings] = await Promise.all([
    db
      .selectFrom('agent_tools')
      .select(['agent_id', sql<number>`count(*)::int`.as('n')])
      .where('agent_id', 'in', ids)
      .groupBy('agent_id')
      .execute(),
    db
      .selectFrom('executions')
      .select(['agent_id', sql<number>`count(*)::int`.as('n')])
      .where('agent_id', 'in', ids)
      .where('status', '=', 'dispatched')
      .groupBy('agent_id')
      .execute(),
    db
      .selectFrom('workspace_agents')
      .select(['agent_id', 'workspace_id', 'paused_at'])
      .where('agent_id', 'in', ids)
      .orderBy('workspace_id')
      .execute(),
  ]);
  return rows.map((a) => {
    const own = bindings.filter((b) => b.agent_id === a.id);
    return {
      id: a.id,
      registration_name: a.registration_name,
      hostname: a.hostname,
      version: a.version,
      region: a.region,
      description: a.description,
      status: a.status,
      // A paused agent's reason is the operator's; other statuses carry their own.
      status_reason: a.status === 'paused' ? (a.pause_reason ?? a.status_reason) : a.status_reason,
      max_concurrency: a.max_concurrency,
      in_flight: inFlight.find((x) => x.agent_id === a.id)?.n ?? 0,
      tool_count: tools.find((x) => x.agent_id === a.id)?.n ?? 0,
      manifest_hash: a.manifest_hash,
      manifest_version: a.manifest_version,
      last_heartbeat_at: a.last_heartbeat_at?.toISOString() ?? null,
      lease_expires_at: a.lease_expires_at?.toISOString() ?? null,
      workspace_ids: own.map((b) => b.workspace_id),
      paused_workspace_ids: own.filter((b) => b.paused_at !== null).map((b) => b.workspace_id),
      created_at: a.created_at.toISOString(),
    };
  });
}

export async function toAgent(db: Kysely<Database>, row: AgentRow): Promise<Agent> {
  return (await toAgents(db, [row]))[0]!;
}

/**
 * Reads an agent of the project in its API shape. Inside the transaction of a change it is the
 * state the change commits, which is what the change's event carries.
 */
export async function getAgent(db: Kysely<Database>, projectId: string, agentId: string): Promise<Agent> {
  return toAgent(db, await getAgentRow(db, projectId, agentId));
}

/** Agents of the project by registration name (registration_name, id), one keyset page. */
export async function listAgents(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Agent[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'text_id');
  const rows = await db
    .selectFrom('agents')
    .selectAll()
    .where('project_id', '=', projectId)
    .$if(after !== null, (b) => b.where(keysetAfter(['registration_name', 'id'], after!, 'text_id', 'asc')))
    .orderBy('registration_name')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.registration_name, r.id]);
  return { data: await toAgents(db, page.rows), next_cursor: page.next_cursor };
}
