import type { TemplateApprovalPolicy, TemplateVersion } from '@xem/protocol';
import { canonicalJson } from '../audit/canonical-json';

/** The fields one version holds, as stored. */
export interface TemplateContent {
  name: string;
  description: string;
  system_prompt: string;
  allowed_tools: string[];
  approval_policy: TemplateApprovalPolicy;
  applicable_workspace_types: string[];
  tags: string[];
  metadata: Record<string, unknown>;
}

export const CONTENT_FIELDS = [
  'name',
  'description',
  'system_prompt',
  'allowed_tools',
  'approval_policy',
  'applicable_workspace_types',
  'tags',
  'metadata',
] as const satisfies readonly (keyof TemplateContent)[];

/** Each entry once, in code-point order: the order of a list carries no meaning. */
function setOf(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The stored form: lists deduplicated and sorted, so equal content compares equal. */
export function normaliseContent(c: TemplateContent): TemplateContent {
  return {
    ...c,
    allowed_tools: setOf(c.allowed_tools),
    applicable_workspace_types: setOf(c.applicable_workspace_types),
    tags: setOf(c.tags),
  };
}

/** The content of a stored version. */
export function contentOf(v: Pick<TemplateVersion, (typeof CONTENT_FIELDS)[number]>): TemplateContent {
  return Object.fromEntries(CONTENT_FIELDS.map((f) => [f, v[f]])) as unknown as TemplateContent;
}

/** The fields whose value differs between two contents (empty: nothing to store). */
export function changedFields(before: TemplateContent, after: TemplateContent): string[] {
  return CONTENT_FIELDS.filter((f) => canonicalJson(before[f]) !== canonicalJson(after[f]));
}

/** The values for an INSERT into template_versions. */
export function versionValues(content: TemplateContent) {
  return { ...content, metadata: JSON.stringify(content.metadata) };
}
