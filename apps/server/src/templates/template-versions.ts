import type { Kysely } from 'kysely';
import type { ListQuery, TemplateVersion } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { decodeCursor, pageOf } from '../http/keyset-cursor';
import { getTemplateRow, getVersionRow, toTemplateVersion } from './template-view';

const VERSION = /^[1-9]\d{0,9}$/;

/** The versions of a visible template, newest first, one keyset page (the cursor is a version). */
export async function listTemplateVersions(
  db: Kysely<Database>,
  projectId: string,
  templateId: string,
  q: ListQuery,
): Promise<{ data: TemplateVersion[]; next_cursor: string | null }> {
  await getTemplateRow(db, projectId, templateId);
  const before = q.cursor === undefined ? null : decodeCursor(q.cursor, 'text')[0]!;
  if (before !== null && !VERSION.test(before)) {
    throw new AppError('invalid_query', 'cursor is not one this API handed out', { param: 'cursor' });
  }
  const rows = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_id', '=', templateId)
    .$if(before !== null, (b) => b.where('version', '<', Number(before)))
    .orderBy('version', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [String(r.version)]);
  return { data: page.rows.map(toTemplateVersion), next_cursor: page.next_cursor };
}

/** One version of a visible template. */
export async function getTemplateVersion(
  db: Kysely<Database>,
  projectId: string,
  templateId: string,
  version: number,
): Promise<TemplateVersion> {
  await getTemplateRow(db, projectId, templateId);
  const row = await getVersionRow(db, templateId, version);
  if (!row) {
    throw new AppError(
      'not_found',
      `template ${templateId} has no version ${version}; list them with GET …/templates/${templateId}/versions`,
    );
  }
  return toTemplateVersion(row);
}
