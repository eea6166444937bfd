import { sql, type Kysely } from 'kysely';
import type { Execution, ListExecutionsQuery } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { toExecution } from './execution-view';

/**
 * The cursor is base64url of `<created_at with microseconds>|<id>` of the last row of a page:
 * the keyset of the (created_at DESC, id DESC) order. JavaScript dates keep only milliseconds,
 * so the time is taken as text from the database to stay exact.
 */
export function encodeCursor(createdAtUs: string, id: string): string {
  return Buffer.from(`${createdAtUs}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([A-Za-z0-9_]{1,64})$/.exec(text);
  if (!m) throw new AppError('invalid_query', 'cursor is not one this API handed out', { param: 'cursor' });
  return { at: m[1]!, id: m[2]! };
}

/** Executions of the project, newest first, filtered; `workspace` matches an id or a name. */
export async function listExecutions(
  db: Kysely<Database>,
  projectId: string,
  q: ListExecutionsQuery,
): Promise<{ data: Execution[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
  const rows = await db
    .selectFrom('executions as e')
    .selectAll('e')
    .select(
      sql<string>`to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_us'),
    )
    .where('e.project_id', '=', projectId)
    .$if(q.status !== undefined && q.status.length > 0, (b) => b.where('e.status', 'in', q.status!))
    .$if(q.risk !== undefined && q.risk.length > 0, (b) => b.where('e.risk', 'in', q.risk!))
    .$if(q.source !== undefined && q.source.length > 0, (b) => b.where('e.source', 'in', q.source!))
    .$if(q.tool !== undefined, (b) => b.where('e.tool', '=', q.tool!))
    .$if(q.agent !== undefined, (b) => b.where('e.agent_id', '=', q.agent!))
    .$if(q.workspace !== undefined, (b) =>
      b.where((eb) =>
        eb.or([
          eb('e.workspace_id', '=', q.workspace!),
          eb(
            'e.workspace_id',
            'in',
            eb
              .selectFrom('workspaces')
              .select('id')
              .where('project_id', '=', projectId)
              .where('name', '=', q.workspace!),
          ),
        ]),
      ),
    )
    .$if(q.since !== undefined, (b) => b.where('e.created_at', '>=', new Date(q.since!)))
    .$if(q.until !== undefined, (b) => b.where('e.created_at', '<', new Date(q.until!)))
    .$if(after !== null, (b) =>
      b.where(sql<boolean>`(e.created_at, e.id) < (${after!.at}::timestamptz, ${after!.id})`),
    )
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(toExecution),
    next_cursor: rows.length > q.limit && last ? encodeCursor(last.created_us, last.id) : null,
  };
}
