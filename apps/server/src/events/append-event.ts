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

/**
 * Appends the same event once for every project, in the caller's transaction: for facts every
 * project may see (a platform template changed), so each project's streams carry it. One row
 * per project keeps the streams' rule simple (a stream reads its project's rows only).
 */
export async function appendEventToEveryProject(
  trx: Kysely<Database>,
  type: string,
  payload: unknown,
): Promise<void> {
  const rows = await sql<{ id: string }>`
    INSERT INTO events (project_id, type, payload)
    SELECT id, ${type}, ${JSON.stringify(payload ?? {})}::jsonb FROM projects
    RETURNING id`.execute(trx);
  const last = rows.rows.at(-1);
  if (last) await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${last.id})`.execute(trx);
}
