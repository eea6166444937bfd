import { sql, type Kysely } from 'kysely';
import type { CreateTemplateRequest, Template, UpdateTemplateRequest } from '@xem/protocol';
import type { Database } from '../db/schema';
import type { Actor } from '../http/principal';
import { newId } from '../ids';
import { getWorkspaceRow } from '../workspaces/workspace-view';
import { recordTemplateChange } from './record-template-change';
import { assertCanWriteTemplate } from './template-access';
import { changedFields, contentOf, normaliseContent, versionValues } from './template-content';
import { isUniqueViolation, templateNameTaken } from './template-name-taken';
import { getTemplateRow, getVersionRow, toTemplate } from './template-view';

/** Creates a template with its version 1. Platform ones need a system admin. */
export async function createTemplate(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: CreateTemplateRequest,
): Promise<Template> {
  assertCanWriteTemplate(actor, input.scope, 'create');
  const content = normaliseContent(contentOf(input));
  return db.transaction().execute(async (trx) => {
    if (input.workspace_id !== undefined) await getWorkspaceRow(trx, projectId, input.workspace_id);
    const row = await trx
      .insertInto('templates')
      .values({
        id: newId('tpl'),
        project_id: projectId,
        scope: input.scope,
        workspace_id: input.workspace_id ?? null,
        name: content.name,
        current_version: 1,
        created_by: actor.userId,
      })
      // Only the live-name indexes can conflict (the id is random).
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw templateNameTaken(content.name, input.scope);
    const version = await trx
      .insertInto('template_versions')
      .values({ template_id: row.id, version: 1, ...versionValues(content), created_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const template = toTemplate(row, version);
    await recordTemplateChange(trx, projectId, actor.ctx, {
      action: 'template.create',
      event: 'template.created',
      template,
    });
    return template;
  });
}

/**
 * Stores the next version: the current one with the fields given replaced. A PUT that changes
 * nothing answers the current template and stores, audits and announces nothing. Writers of one
 * template are serialised by its row lock, so versions are consecutive and none is lost.
 */
export async function updateTemplate(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  templateId: string,
  input: UpdateTemplateRequest,
): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const row = await getTemplateRow(trx, projectId, templateId, true);
    assertCanWriteTemplate(actor, row.scope, 'change');
    const current = (await getVersionRow(trx, templateId, row.current_version))!;
    const before = toTemplate(row, current);
    const old = contentOf(before);
    const next = normaliseContent({ ...old, ...definedOf(input) });
    const changed = changedFields(old, next);
    if (changed.length === 0) return before;
    const version = row.current_version + 1;
    let updated;
    try {
      updated = await trx
        .updateTable('templates')
        .set({ name: next.name, current_version: version, updated_at: sql<Date>`now()` })
        .where('id', '=', templateId)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw templateNameTaken(next.name, row.scope);
      throw err;
    }
    const stored = await trx
      .insertInto('template_versions')
      .values({ template_id: templateId, version, ...versionValues(next), created_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const template = toTemplate(updated, stored);
    await recordTemplateChange(trx, projectId, actor.ctx, {
      action: 'template.update',
      event: 'template.updated',
      template,
      before,
      changed,
    });
    return template;
  });
}

/**
 * Soft delete: the template leaves every list and read (404), its name is free again, and its
 * versions stay stored for the chats pinned to them.
 */
export async function deleteTemplate(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  templateId: string,
): Promise<Template> {
  return db.transaction().execute(async (trx) => {
    const row = await getTemplateRow(trx, projectId, templateId, true);
    assertCanWriteTemplate(actor, row.scope, 'delete');
    const current = (await getVersionRow(trx, templateId, row.current_version))!;
    const deleted = await trx
      .updateTable('templates')
      .set({ deleted_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', templateId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const template = toTemplate(deleted, current);
    await recordTemplateChange(trx, projectId, actor.ctx, {
      action: 'template.delete',
      event: 'template.deleted',
      template,
      before: toTemplate(row, current),
    });
    return template;
  });
}

/** The fields of a partial update that were given. */
function definedOf<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
