import type { Kysely, Selectable } from 'kysely';
import type { Workspace } from '@xem/protocol';
import type { Database, WorkspacesTable } from '../db/schema';
import { notFound } from '../http/app-error';

export type WorkspaceRow = Selectable<WorkspacesTable>;

/** Finds a workspace of the project; another project's workspace is a 404 like a missing one. */
export async function getWorkspaceRow(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
  lock = false,
): Promise<WorkspaceRow> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', workspaceId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('workspace', workspaceId);
  return row;
}

/** The API shape of workspaces, with the agents bound to each. */
export async function toWorkspaces(db: Kysely<Database>, rows: WorkspaceRow[]): Promise<Workspace[]> {
  if (rows.length === 0) return [];
  const bindings = await db
    .selectFrom('workspace_agents')
    .select(['workspace_id', 'agent_id'])
    .where(
      'workspace_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('agent_id')
    .execute();
  return rows.map((w) => ({
    id: w.id,
    name: w.name,
    type: w.type,
    description: w.description,
    is_default: w.is_default,
    paused: w.paused_at !== null,
    pause_reason: w.pause_reason,
    paused_at: w.paused_at?.toISOString() ?? null,
    agent_ids: bindings.filter((b) => b.workspace_id === w.id).map((b) => b.agent_id),
    created_at: w.created_at.toISOString(),
  }));
}

export async function toWorkspace(db: Kysely<Database>, row: WorkspaceRow): Promise<Workspace> {
  return (await toWorkspaces(db, [row]))[0]!;
}

/** Reads a workspace of the project in its API shape (inside a change: the state it commits). */
export async function getWorkspace(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
): Promise<Workspace> {
  return toWorkspace(db, await getWorkspaceRow(db, projectId, workspaceId));
}
