import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newId } from '../ids';
import { envelopeIdOf, webhookBody, webhookEventOf } from './webhook-envelope';

/** Channel that wakes the delivery workers of every replica when deliveries were queued. */
export const WEBHOOKS_CHANNEL = 'xem_webhooks';

export const FAN_OUT_BATCH = 500;
const INSERT_CHUNK = 1000;

/**
 * Turns one batch of committed events into deliveries, in one transaction. Holding the single
 * `webhook_fanout` row (`FOR UPDATE SKIP LOCKED`) makes one replica at a time do it; another
 * replica that finds it locked returns 'busy' and leaves the work to the holder. Events are
 * read after the cursor up to `watermark` (the event hub's gap-safe bound: no id at or below it
 * can still commit), in id order. Each becomes a delivery for every enabled endpoint of its
 * project that subscribes to its type and existed when it happened; `ON CONFLICT DO NOTHING`
 * on (webhook_id, event_id) keeps a replayed batch harmless. Returns how many events it read.
 */
export async function fanOutEvents(
  db: Kysely<Database>,
  watermark: bigint,
  batchSize = FAN_OUT_BATCH,
): Promise<number | 'busy'> {
  return db.transaction().execute(async (trx) => {
    const cursor = await sql<{ last_event_id: string; id_salt: string }>`
      SELECT last_event_id::text AS last_event_id, id_salt FROM webhook_fanout
      FOR UPDATE SKIP LOCKED`.execute(trx);
    const head = cursor.rows[0];
    if (!head) return 'busy';
    if (BigInt(head.last_event_id) >= watermark) return 0;
    const events = await sql<{
      id: string;
      project_id: string | null;
      type: string;
      payload: Record<string, unknown>;
      created_at: Date;
    }>`SELECT id::text AS id, project_id, type, payload, created_at FROM events
       WHERE id > ${head.last_event_id}::bigint AND id <= ${watermark.toString()}::bigint
       ORDER BY id LIMIT ${batchSize}`.execute(trx);
    if (events.rows.length === 0) return 0;
    const lastId = events.rows.at(-1)!.id;

    const mapped = new Map(
      events.rows.flatMap((e) => {
        const w = e.project_id === null ? null : webhookEventOf(e.type, e.payload);
        return w ? [[e.id, { event: e, webhook: w }] as const] : [];
      }),
    );
    if (mapped.size > 0) {
      // Endpoints are matched on the database's clock and precision: created at or before the event.
      const pairs = await sql<{ event_id: string; webhook_id: string; events: string[] }>`
        SELECT e.id::text AS event_id, w.id AS webhook_id, w.events
        FROM events e JOIN webhooks w ON w.project_id = e.project_id
        WHERE e.id = ANY(${[...mapped.keys()]}::bigint[]) AND w.enabled AND w.created_at <= e.created_at
        ORDER BY e.id, w.id`.execute(trx);
      const bodies = new Map<string, { envelopeId: string; body: string }>();
      const rows = pairs.rows.flatMap((p) => {
        const m = mapped.get(p.event_id)!;
        if (!p.events.includes(m.webhook.type)) return [];
        let b = bodies.get(p.event_id);
        if (!b) {
          const envelopeId = envelopeIdOf(head.id_salt, p.event_id);
          b = {
            envelopeId,
            body: webhookBody(envelopeId, m.webhook.type, m.event.created_at, m.webhook.data),
          };
          bodies.set(p.event_id, b);
        }
        return [
          {
            id: newId('whd'),
            webhook_id: p.webhook_id,
            event_id: p.event_id,
            envelope_id: b.envelopeId,
            type: m.webhook.type,
            body: b.body,
            status: 'pending' as const,
            next_attempt_at: sql<Date>`now()`,
          },
        ];
      });
      // Chunks keep each INSERT well under PostgreSQL's 65535 bind parameters.
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('webhook_deliveries')
          .values(rows.slice(i, i + INSERT_CHUNK))
          .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
          .execute();
      }
      if (rows.length > 0) await sql`SELECT pg_notify(${WEBHOOKS_CHANNEL}, '')`.execute(trx);
    }
    await trx.updateTable('webhook_fanout').set({ last_event_id: lastId }).execute();
    return events.rows.length;
  });
}
