import type { Kysely } from 'kysely';
import type { Execution, ListExecutionsQuery } from '@xem/protocol';
import type { Database } from '../db/schema';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { toExecution } from './execution-view';

/** Executions of the project, newest first, filtered; `workspace` matches an id or a name. */
export async function listExecutions(
  db: Kysely<Database>,
  projectId: string,
  q: ListExecutionsQuery,
): Promise<{ data: Execution[]; next_cursor: string | null }> {
  // Order (created_at DESC, id DESC); the cursor is the `time_id` key of the last row of a page.
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('executions as e')
    .selectAll('e')
    .select(microsText('e.created_at').as('created_us'))
    .where('e.project_id', '=', projectId)
    .$if(q.status !== undefined && q.status.length > 0, (b) => b.where('e.status', 'in', q.status!))
    .$if(q.risk !== undefined && q.risk.length > 0, (b) => b.where('e.risk', 'in', q.risk!))
    .$if(q.source !== undefined && q.source.length > 0, (b) => b.where('e.source', 'in', q.source!))
    .$if(q.tool !== undefined, (b) => b.where('e.tool', '=', q.tool!))
    .$if(q.chat !== undefined, (b) => b.where('e.chat_id', '=', q.chat!))
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
    .$if(after !== null, (b) => b.where(keysetAfter(['e.created_at', 'e.id'], after!, 'time_id', 'desc')))
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toExecution), next_cursor: page.next_cursor };
}
