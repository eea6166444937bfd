import type { Kysely, UpdateObject } from 'kysely';
import type { ExecutionStatus } from '@xem/protocol';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { appendEvent } from '../events/append-event';
import { eventTypeFor, toExecution, type ExecutionRow } from './execution-view';
import { IllegalTransitionError, sourcesOf } from './transitions';

export interface StatusChange {
  executionId: string;
  to: ExecutionStatus;
  /** Narrows the legal sources of `to` (a result only finishes a `dispatched` execution). */
  from?: readonly ExecutionStatus[];
  /** The change applies only to this attempt (and agent): frames and sweeps name the attempt they saw. */
  attempt?: number;
  agentId?: string;
  /** Other columns written by the same UPDATE. */
  set?: Omit<UpdateObject<Database, 'executions'>, 'status'>;
  reason: string | null;
  ctx: AuditContext;
  /** Audit action, e.g. `execution.cancel`. */
  action: string;
}

export type ChangedExecution = ExecutionRow & { from_status: ExecutionStatus };

/**
 * Moves one execution to `to` with a single conditional UPDATE (status among the legal sources,
 * and the named attempt/agent) and records the transition row, the event and the audit row in
 * the caller's transaction. Returns null when the condition did not hold: someone else changed
 * the execution first, and the caller decides what that means.
 */
export async function changeExecutionStatus(
  trx: Kysely<Database>,
  change: StatusChange,
): Promise<ChangedExecution | null> {
  const legal = sourcesOf(change.to);
  const sources = change.from ?? legal;
  for (const s of sources) if (!legal.includes(s)) throw new IllegalTransitionError(s, change.to);

  // The locked sub-select hands back the status the row had just before this UPDATE.
  const old = trx
    .selectFrom('executions')
    .select(['id', 'status'])
    .where('id', '=', change.executionId)
    .forUpdate()
    .as('old');
  const row = await trx
    .updateTable('executions as e')
    .from(old)
    // The set object is typed against the plain table; the aliased UPDATE takes the same columns.
    .set({ ...(change.set as object), status: change.to } as { status: ExecutionStatus })
    .whereRef('e.id', '=', 'old.id')
    .where('e.status', 'in', sources)
    .$if(change.attempt !== undefined, (q) => q.where('e.attempt', '=', change.attempt!))
    .$if(change.agentId !== undefined, (q) => q.where('e.agent_id', '=', change.agentId!))
    .returningAll('e')
    .returning('old.status as from_status')
    .executeTakeFirst();
  if (!row) return null;
  const changed = row as ChangedExecution;
  await recordTransition(trx, changed, changed.from_status, change.reason, change.ctx, change.action);
  return changed;
}

/** Transition row, event and audit row for an execution that just entered its current status. */
export async function recordTransition(
  trx: Kysely<Database>,
  row: ExecutionRow,
  from: ExecutionStatus | null,
  reason: string | null,
  ctx: AuditContext,
  action: string,
): Promise<void> {
  const to = row.status as ExecutionStatus;
  await trx
    .insertInto('execution_transitions')
    .values({ execution_id: row.id, from_status: from, to_status: to, attempt: row.attempt, reason })
    .execute();
  const view = toExecution(row);
  await appendEvent(trx, row.project_id, from === null ? 'execution.created' : eventTypeFor(to), view);
  await appendAudit(trx, row.project_id, ctx, {
    action,
    targetType: 'execution',
    targetId: row.id,
    before: from === null ? null : { status: from },
    after: { status: to, attempt: row.attempt, agent_id: row.agent_id, reason },
  });
}
