import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError, notFound } from '../http/app-error';
import type { TemplateVersionRow } from '../templates/template-view';

export interface ChatWorkspace {
  id: string;
  name: string;
  type: string;
}

/**
 * The current version of a live template usable in the workspace, by id or by name: the
 * project's own (project scope, or workspace scope of this workspace) or a platform template.
 * A name matches the workspace's template first, then the project's, then the platform's.
 * Refused with 422 `template_not_applicable` when its workspace types leave this one out.
 */
export async function chatTemplateFor(
  db: Kysely<Database>,
  projectId: string,
  workspace: ChatWorkspace,
  idOrName: string,
): Promise<TemplateVersionRow> {
  const row = await db
    .selectFrom('templates as t')
    .innerJoin('template_versions as v', (j) =>
      j.onRef('v.template_id', '=', 't.id').onRef('v.version', '=', 't.current_version'),
    )
    .selectAll('v')
    .select('t.scope')
    .where('t.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('t.id', '=', idOrName), eb('t.name', '=', idOrName)]))
    .where((eb) =>
      eb.or([
        eb('t.scope', '=', 'platform'),
        eb.and([eb('t.scope', '=', 'project'), eb('t.project_id', '=', projectId)]),
        eb.and([eb('t.scope', '=', 'workspace'), eb('t.workspace_id', '=', workspace.id)]),
      ]),
    )
    .orderBy((eb) =>
      eb
        .case()
        .when('t.id', '=', idOrName)
        .then(0)
        .when('t.scope', '=', 'workspace')
        .then(1)
        .when('t.scope', '=', 'project')
        .then(2)
        .else(3)
        .end(),
    )
    .limit(1)
    .executeTakeFirst();
  if (!row) throw Object.assign(notFound('template', idOrName), { param: 'template' });
  const { scope: _scope, ...version } = row;
  if (
    version.applicable_workspace_types.length > 0 &&
    !version.applicable_workspace_types.includes(workspace.type)
  ) {
    throw new AppError(
      'template_not_applicable',
      `template ${version.name} applies to workspaces of type ${version.applicable_workspace_types.join(', ')}; workspace ${workspace.name} is ${workspace.type}`,
      { status: 422, param: 'template' },
    );
  }
  return version;
}
