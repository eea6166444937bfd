import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** Channel on which the id of each new event is announced (the payload is never the event body). */
export const EVENTS_CHANNEL = 'xem_events';

/**
 * Appends an event in the caller's transaction and announces it; the NOTIFY is delivered
 * only if that transaction commits. Returns the event id.
 */
export async function appendEvent(
  trx: Kysely<Database>,
  projectId: string | null,
  type: string,
  payload: unknown,
): Promise<string> {
  const row = await trx
    .insertInto('events')
    .values({ project_id: projectId, type, payload: JSON.stringify(payload ?? {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${row.id})`.execute(trx);
  return row.id;
}
