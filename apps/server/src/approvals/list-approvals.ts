import type { Kysely } from 'kysely';
import type { Approval, ExecutionSource, ListApprovalsQuery } from '@xem/protocol';
import type { Database } from '../db/schema';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { toApproval } from './approval-view';

/** Approvals of the project, newest first, filtered; `workspace` matches an id or a name. */
export async function listApprovals(
  db: Kysely<Database>,
  projectId: string,
  q: ListApprovalsQuery,
): Promise<{ data: Approval[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('approvals as a')
    .innerJoin('executions as e', 'e.id', 'a.execution_id')
    .selectAll('a')
    .select(['e.args', 'e.source', 'e.agent_id'])
    .select(microsText('a.created_at').as('created_us'))
    .where('a.project_id', '=', projectId)
    .$if(Boolean(q.status?.length), (b) => b.where('a.status', 'in', q.status!))
    .$if(Boolean(q.risk?.length), (b) => b.where('a.risk', 'in', q.risk!))
    .$if(q.tool !== undefined, (b) => b.where('a.tool', '=', q.tool!))
    // An approval's agent is the agent that ran (or runs) its execution.
    .$if(q.agent !== undefined, (b) => b.where('e.agent_id', '=', q.agent!))
    .$if(q.workspace !== undefined, (b) =>
      b.where((eb) =>
        eb.or([
          eb('a.workspace_id', '=', q.workspace!),
          eb(
            'a.workspace_id',
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
    .$if(after !== null, (b) => b.where(keysetAfter(['a.created_at', 'a.id'], after!, 'time_id', 'desc')))
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  const ids = page.rows.map((r) => r.id);
  const votes =
    ids.length === 0
      ? []
      : await db
          .selectFrom('approval_votes')
          .selectAll()
          .where('approval_id', 'in', ids)
          .orderBy('at')
          .execute();
  return {
    data: page.rows.map((r) =>
      toApproval(
        r,
        r.args as Record<string, unknown>,
        r.source as ExecutionSource,
        votes.filter((v) => v.approval_id === r.id),
      ),
    ),
    next_cursor: page.next_cursor,
  };
}
