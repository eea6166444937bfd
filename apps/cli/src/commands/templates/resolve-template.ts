import type { TemplateListQuery } from '@xem/client';
import type { Template } from '@xem/protocol';
import { CliError } from '../../cli-error';

const TEMPLATE_ID = /^tpl_[a-z0-9]{20}$/;

/** What name resolution needs of `client.templates`. */
export interface TemplateLister {
  list(query: TemplateListQuery): Promise<{ data: Template[]; next_cursor: string | null }>;
}

/**
 * The routes take a template id; people type names. An id is used as it is. A name is looked up
 * among the templates the project sees and, as several scopes may each hold one, the most
 * specific wins — what a chat would get: with a workspace id, that workspace's own, then the
 * project's, then the platform's; without one, the project's, then the platform's, then a
 * workspace's if only one workspace has it.
 */
export async function resolveTemplateId(
  templates: TemplateLister,
  ref: string,
  workspaceId?: string,
): Promise<string> {
  if (TEMPLATE_ID.test(ref)) return ref;
  const named = await withName(templates, ref, workspaceId);
  const of = (scope: Template['scope']) => named.filter((t) => t.scope === scope);
  const tiers = workspaceId
    ? [of('workspace'), of('project'), of('platform')]
    : [of('project'), of('platform'), of('workspace')];
  const hit = tiers.find((tier) => tier.length > 0);
  if (!hit) {
    const where = workspaceId ? ` usable in workspace ${workspaceId}` : '';
    throw new CliError(`no template named "${ref}"${where}; see "xeroctl templates list"`);
  }
  if (hit.length > 1) {
    throw new CliError(
      `${hit.length} workspaces have a template named "${ref}" (${hit
        .map((t) => `${t.id} in ${t.workspace_id}`)
        .join(', ')}); pass its id or --workspace`,
    );
  }
  return hit[0]!.id;
}

/** Every visible template with exactly this name (the server's `q` narrows to substrings). */
async function withName(templates: TemplateLister, name: string, workspaceId?: string): Promise<Template[]> {
  const out: Template[] = [];
  let cursor: string | undefined;
  do {
    const page = await templates.list({ q: name, workspace_id: workspaceId, limit: 500, cursor });
    out.push(...page.data.filter((t) => t.name === name));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}
