import type { Kysely, Selectable } from 'kysely';
import type { WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryType } from '@xem/protocol';
import type { Database, WebhookDeliveriesTable } from '../db/schema';
import { notFound } from '../http/app-error';

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhook_id: r.webhook_id,
    event_id: r.envelope_id,
    type: r.type as WebhookDeliveryType,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at?.toISOString() ?? null,
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
  };
}

/** A delivery of a webhook (already known to be the caller's) with its body and every attempt. */
export async function getDeliveryDetail(
  db: Kysely<Database>,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryDetail> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) throw notFound('webhook delivery', deliveryId);
  const attempts = await db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute();
  return {
    ...toDelivery(row),
    body: row.body,
    history: attempts.map((a) => ({
      attempt: a.attempt,
      started_at: a.started_at.toISOString(),
      duration_ms: a.duration_ms,
      status_code: a.status_code,
      error: a.error,
      response_excerpt: a.response_excerpt,
    })),
  };
}
