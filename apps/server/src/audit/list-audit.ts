import type { Kysely } from 'kysely';
import type { AuditEntry, AuditQuery } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';

/** Newest first; the cursor is the last seq of the previous page. */
export async function listAudit(
  db: Kysely<Database>,
  chain: string,
  q: AuditQuery,
): Promise<{ data: AuditEntry[]; next_cursor: string | null }> {
  let query = db.selectFrom('audit_log').selectAll().where('project_id', '=', chain);
  if (q.cursor !== undefined) {
    if (!/^\d{1,18}$/.test(q.cursor))
      throw new AppError('invalid_query', 'cursor is not valid', { param: 'cursor' });
    query = query.where('seq', '<', q.cursor);
  }
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actor_id) query = query.where('actor_id', '=', q.actor_id);
  if (q.target_id) query = query.where('target_id', '=', q.target_id);
  if (q.outcome) query = query.where('outcome', '=', q.outcome);
  if (q.since) query = query.where('at', '>=', new Date(q.since));
  if (q.until) query = query.where('at', '<', new Date(q.until));
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => ({
      seq: Number(r.seq),
      at: r.at.toISOString(),
      actor_type: r.actor_type,
      actor_id: r.actor_id,
      via: r.via as AuditEntry['via'],
      request_id: r.request_id,
      ip: r.ip,
      action: r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      outcome: r.outcome as AuditEntry['outcome'],
      before: r.before ?? null,
      after: r.after ?? null,
      prev_hash: r.prev_hash,
      hash: r.hash,
    })),
    next_cursor: rows.length > q.limit ? page[page.length - 1]!.seq : null,
  };
}
