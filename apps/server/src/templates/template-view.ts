import type { Kysely, Selectable } from 'kysely';
import type { Template, TemplateVersion } from '@xem/protocol';
import type { Database, TemplatesTable, TemplateVersionsTable } from '../db/schema';
import { notFound } from '../http/app-error';

export type TemplateRow = Selectable<TemplatesTable>;
export type TemplateVersionRow = Selectable<TemplateVersionsTable>;

/** The columns of a template joined with its current version (`updated_by` is the version's author). */
export const TEMPLATE_COLUMNS = [
  't.id',
  't.project_id',
  't.scope',
  't.workspace_id',
  't.current_version',
  't.created_by',
  't.created_at',
  't.updated_at',
  't.deleted_at',
  'v.name',
  'v.description',
  'v.system_prompt',
  'v.allowed_tools',
  'v.approval_policy',
  'v.applicable_workspace_types',
  'v.tags',
  'v.metadata',
  'v.created_by as updated_by',
] as const;

export type TemplateViewRow = Omit<TemplateRow, 'name'> &
  Omit<TemplateVersionRow, 'template_id' | 'version' | 'created_by' | 'created_at'> & {
    updated_by: string | null;
  };

/** Templates joined with their current version, as `t` and `v`. */
export function templatesWithCurrentVersion(db: Kysely<Database>) {
  return db
    .selectFrom('templates as t')
    .innerJoin('template_versions as v', (j) =>
      j.onRef('v.template_id', '=', 't.id').onRef('v.version', '=', 't.current_version'),
    );
}

/**
 * A live template the project can see: its own, or a platform one (whichever project made it).
 * Deleted ones and other projects' are a 404 like missing ones. `lock` takes the row lock that
 * serialises the writers of one template.
 */
export async function getTemplateRow(
  db: Kysely<Database>,
  projectId: string,
  templateId: string,
  lock = false,
): Promise<TemplateRow> {
  const row = await db
    .selectFrom('templates')
    .selectAll()
    .where('id', '=', templateId)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('project_id', '=', projectId), eb('scope', '=', 'platform')]))
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('template', templateId);
  return row;
}

/** One version of a template, whichever it is (the caller checked the template is visible). */
export async function getVersionRow(
  db: Kysely<Database>,
  templateId: string,
  version: number,
): Promise<TemplateVersionRow | undefined> {
  return db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_id', '=', templateId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** A visible template in its API shape. */
export async function getTemplate(
  db: Kysely<Database>,
  projectId: string,
  templateId: string,
): Promise<Template> {
  const row = await getTemplateRow(db, projectId, templateId);
  return toTemplate(row, (await getVersionRow(db, templateId, row.current_version))!);
}

/** The API shape of a template from its row and its current version. */
export function toTemplate(t: TemplateRow, v: TemplateVersionRow): Template {
  return toTemplateView({
    ...t,
    ...versionFields(v),
    updated_by: v.created_by,
  });
}

export function toTemplateView(r: TemplateViewRow): Template {
  return {
    id: r.id,
    scope: r.scope,
    workspace_id: r.workspace_id,
    name: r.name,
    version: r.current_version,
    description: r.description,
    system_prompt: r.system_prompt,
    allowed_tools: r.allowed_tools,
    approval_policy: r.approval_policy,
    applicable_workspace_types: r.applicable_workspace_types,
    tags: r.tags,
    metadata: r.metadata as Record<string, unknown>,
    created_by: r.created_by,
    created_at: r.created_at.toISOString(),
    updated_by: r.updated_by,
    updated_at: r.updated_at.toISOString(),
    deleted_at: r.deleted_at?.toISOString() ?? null,
  };
}

export function toTemplateVersion(v: TemplateVersionRow): TemplateVersion {
  return {
    template_id: v.template_id,
    version: v.version,
    ...versionFields(v),
    metadata: v.metadata as Record<string, unknown>,
    created_by: v.created_by,
    created_at: v.created_at.toISOString(),
  };
}

function versionFields(v: TemplateVersionRow) {
  return {
    name: v.name,
    description: v.description,
    system_prompt: v.system_prompt,
    allowed_tools: v.allowed_tools,
    approval_policy: v.approval_policy,
    applicable_workspace_types: v.applicable_workspace_types,
    tags: v.tags,
    metadata: v.metadata,
  };
}
