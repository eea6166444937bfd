import { sql, type Kysely } from 'kysely';
import type { ListTemplatesQuery, Template } from '@xem/protocol';
import type { Database } from '../db/schema';
import { decodeCursor, pageOf } from '../http/keyset-cursor';
import { getWorkspaceRow } from '../workspaces/workspace-view';
import { TEMPLATE_COLUMNS, templatesWithCurrentVersion, toTemplateView } from './template-view';

/**
 * The live templates the project can see — its own and the platform's — sorted by name, then id
 * (byte order, the same on every database), one keyset page. Filters: `scope`, `workspace_id`
 * (what a chat in that workspace could use: platform, project and that workspace's own), `q`
 * (case-insensitive substring of the name) and `include_platform`.
 */
export async function listTemplates(
  db: Kysely<Database>,
  projectId: string,
  q: ListTemplatesQuery,
): Promise<{ data: Template[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'text_id');
  if (q.workspace_id !== undefined) await getWorkspaceRow(db, projectId, q.workspace_id);
  const rows = await templatesWithCurrentVersion(db)
    .select([...TEMPLATE_COLUMNS])
    .where('t.deleted_at', 'is', null)
    .where((eb) =>
      q.include_platform
        ? eb.or([eb('t.project_id', '=', projectId), eb('t.scope', '=', 'platform')])
        : eb.and([eb('t.project_id', '=', projectId), eb('t.scope', '<>', 'platform')]),
    )
    .$if(q.scope !== undefined, (b) => b.where('t.scope', '=', q.scope!))
    .$if(q.workspace_id !== undefined, (b) =>
      b.where((eb) => eb.or([eb('t.scope', '<>', 'workspace'), eb('t.workspace_id', '=', q.workspace_id!)])),
    )
    .$if(q.q !== undefined, (b) => b.where(sql<boolean>`strpos(lower(t.name), lower(${q.q!})) > 0`))
    .$if(after !== null, (b) =>
      b.where(
        sql<boolean>`(t.name COLLATE "C" > ${after![0]!} OR (t.name = ${after![0]!} AND t.id COLLATE "C" > ${after![1]!}))`,
      ),
    )
    .orderBy(sql`t.name COLLATE "C"`)
    .orderBy(sql`t.id COLLATE "C"`)
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.name, r.id]);
  return { data: page.rows.map(toTemplateView), next_cursor: page.next_cursor };
}
