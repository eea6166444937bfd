import { sql, type Kysely } from 'kysely';
import type { CreateWorkspaceRequest, ListQuery, UpdateWorkspaceRequest, Workspace } from '@xem/protocol';
import type { z } from 'zod';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { recordChange } from './record-change';
import { getWorkspaceRow, toWorkspace, toWorkspaces } from './workspace-view';

type CreateInput = z.infer<typeof CreateWorkspaceRequest>;
type UpdateInput = z.infer<typeof UpdateWorkspaceRequest>;

const UNFINISHED = ['pending_approval', 'queued', 'dispatched'];

function nameTaken(name: string): AppError {
  return new AppError(
    'conflict',
    `a workspace named "${name}" already exists in this project; pick another name`,
    {
      param: 'name',
    },
  );
}

/** Workspaces of the project, oldest first (created_at, id), one keyset page. */
export async function listWorkspaces(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Workspace[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('workspaces')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'asc')))
    .orderBy('created_at')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: await toWorkspaces(db, page.rows), next_cursor: page.next_cursor };
}

export async function createWorkspace(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: CreateInput,
): Promise<Workspace> {
  assertOwner(actor, 'create workspaces');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('workspaces')
      .values({
        id: newId('ws'),
        project_id: projectId,
        name: input.name,
        type: input.type,
        description: input.description,
        is_default: false,
      })
      .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw nameTaken(input.name);
    const ws = await toWorkspace(trx, row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.create',
      event: 'workspace.created',
      targetType: 'workspace',
      targetId: ws.id,
      after: ws,
    });
    return ws;
  });
}

/** Renames, describes, or makes the workspace the project's default (the old one stops being it). */
export async function updateWorkspace(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
  input: UpdateInput,
): Promise<Workspace> {
  assertOwner(actor, 'change workspaces');
  return db.transaction().execute(async (trx) => {
    const old = await getWorkspaceRow(trx, projectId, workspaceId, true);
    const before = await toWorkspace(trx, old);
    const unchanged =
      (input.name ?? old.name) === old.name &&
      (input.description ?? old.description) === old.description &&
      (input.is_default ?? old.is_default) === old.is_default;
    if (unchanged) return before;
    if (input.name !== undefined && input.name !== old.name) {
      const clash = await trx
        .selectFrom('workspaces')
        .select('id')
        .where('project_id', '=', projectId)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (clash) throw nameTaken(input.name);
    }
    if (input.is_default && !old.is_default) {
      // The partial unique index allows one default per project: clear the old one first.
      await trx
        .updateTable('workspaces')
        .set({ is_default: false })
        .where('project_id', '=', projectId)
        .where('is_default', '=', true)
        .execute();
    }
    const row = await trx
      .updateTable('workspaces')
      .set({
        name: input.name ?? old.name,
        description: input.description ?? old.description,
        is_default: input.is_default ?? old.is_default,
      })
      .where('id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await toWorkspace(trx, row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.update',
      event: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      before,
      after,
    });
    return after;
  });
}

/**
 * Deletes a workspace. The default one stays (every project has one); one with executions
 * stays too: unfinished ones still need it, finished ones keep it as their history.
 */
export async function deleteWorkspace(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  workspaceId: string,
): Promise<Workspace> {
  assertOwner(actor, 'delete workspaces');
  return db.transaction().execute(async (trx) => {
    const row = await getWorkspaceRow(trx, projectId, workspaceId, true);
    if (row.is_default) {
      throw new AppError(
        'conflict',
        `workspace ${workspaceId} is the project's default; make another workspace the default first`,
      );
    }
    const counts = await trx
      .selectFrom('executions')
      .select([
        sql<number>`count(*)::int`.as('total'),
        sql<number>`(count(*) FILTER (WHERE status IN (${sql.join(UNFINISHED)})))::int`.as('unfinished'),
      ])
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    if (counts.unfinished > 0) {
      throw new AppError(
        'conflict',
        `workspace ${workspaceId} has ${counts.unfinished} unfinished executions; cancel them or wait for them to finish`,
      );
    }
    if (counts.total > 0) {
      throw new AppError(
        'conflict',
        `workspace ${workspaceId} has ${counts.total} executions in its history; pause it instead of deleting it`,
      );
    }
    const ws = await toWorkspace(trx, row);
    await trx.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
    await recordChange(trx, projectId, actor.ctx, {
      action: 'workspace.delete',
      event: 'workspace.deleted',
      targetType: 'workspace',
      targetId: workspaceId,
      before: ws,
      after: null,
      payload: ws,
    });
    return ws;
  });
}
