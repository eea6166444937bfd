import type { Template, TemplateVersion } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `templates list` columns. */
export const TEMPLATE_COLUMNS: Column<Template>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'SCOPE', value: (t) => t.scope },
  { header: 'WORKSPACE', value: (t) => t.workspace_id },
  { header: 'VERSION', value: (t) => t.version },
  { header: 'POLICY', value: (t) => t.approval_policy },
  { header: 'TOOLS', value: (t) => t.allowed_tools.length },
  { header: 'UPDATED', value: (t) => t.updated_at, time: true },
];

/** The fields one version holds, in the order show prints them; the prompt last (it is long). */
function contentFields(v: TemplateVersion | Template): Array<[string, CellValue]> {
  return [
    ['NAME', v.name],
    ['DESCRIPTION', v.description],
    ['APPROVAL_POLICY', v.approval_policy],
    ['ALLOWED_TOOLS', v.allowed_tools],
    ['WORKSPACE_TYPES', v.applicable_workspace_types],
    ['TAGS', v.tags],
    ['METADATA', Object.keys(v.metadata).length === 0 ? '' : JSON.stringify(v.metadata)],
  ];
}

/** One template as fields, for show and for what the changing verbs print. */
export function templateFields(t: Template): Array<[string, CellValue]> {
  return [
    ['ID', t.id],
    ['SCOPE', t.scope],
    ['WORKSPACE', t.workspace_id],
    ['VERSION', t.version],
    ...contentFields(t),
    ['CREATED_BY', t.created_by],
    ['CREATED', t.created_at],
    ['UPDATED_BY', t.updated_by],
    ['UPDATED', t.updated_at],
    ['SYSTEM_PROMPT', t.system_prompt],
  ];
}

/** One version as fields (`show --template-version`). */
export function versionFields(v: TemplateVersion): Array<[string, CellValue]> {
  return [
    ['TEMPLATE', v.template_id],
    ['VERSION', v.version],
    ...contentFields(v),
    ['CREATED_BY', v.created_by],
    ['CREATED', v.created_at],
    ['SYSTEM_PROMPT', v.system_prompt],
  ];
}

/** `templates versions` columns. */
export const VERSION_COLUMNS: Column<TemplateVersion>[] = [
  { header: 'VERSION', value: (v) => v.version },
  { header: 'NAME', value: (v) => v.name },
  { header: 'POLICY', value: (v) => v.approval_policy },
  { header: 'TOOLS', value: (v) => v.allowed_tools },
  { header: 'CREATED_BY', value: (v) => v.created_by },
  { header: 'CREATED', value: (v) => v.created_at, time: true },
];
