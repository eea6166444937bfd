import type { Kysely } from 'kysely';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';

export interface Change {
  /** Audit action, e.g. `workspace.pause`. */
  action: string;
  /** Event type, e.g. `workspace.paused`. */
  event: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after: unknown;
  /** The event's payload (the API shape of the object); `after` unless given. */
  payload?: unknown;
}

/** Writes the audit row and the event of a fleet change, in the transaction of the change. */
export async function recordChange(
  trx: Kysely<Database>,
  projectId: string,
  ctx: AuditContext,
  change: Change,
): Promise<void> {
  await appendAudit(trx, projectId, ctx, {
    action: change.action,
    targetType: change.targetType,
    targetId: change.targetId,
    before: change.before ?? null,
    after: change.after,
  });
  await appendEvent(trx, projectId, change.event, change.payload ?? change.after);
}
