import type { Kysely } from 'kysely';
import type { Template } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent, appendEventToEveryProject } from '../events/append-event';

export interface TemplateChange {
  /** Audit action: `template.create`, `.update`, `.delete` or `.promote`. */
  action: string;
  /** Event type: `template.created`, `.updated` or `.deleted`. */
  event: 'template.created' | 'template.updated' | 'template.deleted';
  /** The template as it is after the change (for a delete: with `deleted_at`). */
  template: Template;
  before?: Template | null;
  /** Update: the fields the new version changed. */
  changed?: string[];
}

/**
 * The audit row and the event of a template change, in the transaction of the change. Audit
 * entries name the version rather than copy it (prompts are long, versions are kept whole). The
 * change is audited in the chain of the project the request acts in; the event goes to that
 * project's streams, or to every project's when the template is (now) a platform one.
 */
export async function recordTemplateChange(
  trx: Kysely<Database>,
  projectId: string,
  ctx: AuditContext,
  change: TemplateChange,
): Promise<void> {
  const t = change.template;
  await appendAudit(trx, projectId, ctx, {
    action: change.action,
    targetType: 'template',
    targetId: t.id,
    before: change.before ? summary(change.before) : null,
    after: change.event === 'template.deleted' ? null : { ...summary(t), ...pick(change) },
  });
  if (t.scope === 'platform') await appendEventToEveryProject(trx, change.event, t);
  else await appendEvent(trx, projectId, change.event, t);
}

function summary(t: Template) {
  return { id: t.id, scope: t.scope, workspace_id: t.workspace_id, name: t.name, version: t.version };
}

function pick(change: TemplateChange) {
  return change.changed ? { changed: change.changed } : {};
}
