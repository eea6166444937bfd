import { sql, type Kysely } from 'kysely';
import type { PromoteTemplateRequest, Template, TemplateScope } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import type { Actor } from '../http/principal';
import { recordTemplateChange } from './record-template-change';
import { assertCanWriteTemplate } from './template-access';
import { isUniqueViolation, templateNameTaken } from './template-name-taken';
import { getTemplateRow, getVersionRow, toTemplate } from './template-view';

const WIDTH: Record<TemplateScope, number> = { workspace: 0, project: 1, platform: 2 };

/**
 * Widens a template's scope in place (same id, same versions; no new version: the content is
 * unchanged): a workspace template to the whole project (owners), a project or workspace one to
 * every project (system admins). Templates are never narrowed; copy one instead.
 */
export async function promoteTemplate(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  templateId: string,
  input: PromoteTemplateRequest,
): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const row = await getTemplateRow(trx, projectId, templateId, true);
    assertCanWriteTemplate(actor, row.scope, 'promote');
    if (input.scope === 'platform' && !actor.isAdmin) {
      throw new AppError(
        'admin_required',
        'only system admins can promote templates to platform scope (every project reads them)',
        { param: 'scope' },
      );
    }
    if (WIDTH[input.scope] <= WIDTH[row.scope]) {
      throw new AppError(
        'conflict',
        `template ${templateId} is already a ${row.scope} template; promotion only widens the scope (workspace → project → platform)`,
        { param: 'scope' },
      );
    }
    const current = (await getVersionRow(trx, templateId, row.current_version))!;
    let promoted;
    try {
      promoted = await trx
        .updateTable('templates')
        .set({ scope: input.scope, workspace_id: null, updated_at: sql<Date>`now()` })
        .where('id', '=', templateId)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw templateNameTaken(row.name, input.scope);
      throw err;
    }
    const template = toTemplate(promoted, current);
    await recordTemplateChange(trx, projectId, actor.ctx, {
      action: 'template.promote',
      event: 'template.updated',
      template,
      before: toTemplate(row, current),
    });
    return template;
  });
}
