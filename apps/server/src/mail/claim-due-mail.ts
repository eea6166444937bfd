import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, OutboxMessagesTable } from '../db/schema';

export type OutboxRow = Selectable<OutboxMessagesTable>;

/**
 * Claims up to `limit` due `pending` messages (database clock) with SKIP LOCKED, so replicas
 * never take the same row: the claim counts the attempt and pushes `next_attempt_at` past the
 * lease, so a process that dies mid-send leaves the row to be retried once the lease ends.
 */
export async function claimDueMail(
  db: Kysely<Database>,
  limit: number,
  leaseSeconds: number,
): Promise<OutboxRow[]> {
  return db
    .updateTable('outbox_messages')
    .set({
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_messages')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
}
