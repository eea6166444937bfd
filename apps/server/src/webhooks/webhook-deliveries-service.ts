import { sql, type Kysely } from 'kysely';
import {
  WEBHOOK_TEST_EVENT_TYPE,
  type WebhookDelivery,
  type WebhookDeliveryDetail,
  type WebhookDeliveryListQuery,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { AppError, notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { attemptDelivery } from './attempt-delivery';
import { leaseMs, toClaimed, type ClaimedRow } from './claim-deliveries';
import { getDeliveryDetail, toDelivery } from './delivery-view';
import { randomEnvelopeId, webhookBody } from './webhook-envelope';
import { getWebhookRow, type WebhookRow } from './webhook-view';

/** Deliveries of a webhook, newest first (created_at DESC, id DESC), one keyset page. */
export async function listDeliveries(
  db: Kysely<Database>,
  projectId: string,
  webhookId: string,
  q: WebhookDeliveryListQuery,
): Promise<{ data: WebhookDelivery[]; next_cursor: string | null }> {
  await getWebhookRow(db, projectId, webhookId);
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('webhook_id', '=', webhookId)
    .$if(q.status !== undefined, (b) => b.where('status', '=', q.status!))
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toDelivery), next_cursor: page.next_cursor };
}

export async function getDelivery(
  db: Kysely<Database>,
  projectId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryDetail> {
  await getWebhookRow(db, projectId, webhookId);
  return getDeliveryDetail(db, webhookId, deliveryId);
}

function assertEnabled(w: WebhookRow, what: string): void {
  if (!w.enabled) {
    throw new AppError('conflict', `webhook ${w.id} is disabled; enable it (PATCH enabled: true) to ${what}`);
  }
}

const RETURNING_CLAIMED = sql`RETURNING id, webhook_id, attempts, round_attempts, envelope_id, body, now() AS started_at`;

/**
 * Sends an `exec.test` delivery to the endpoint now and answers with its outcome (the request
 * waits for the endpoint, up to XEM_WEBHOOK_TIMEOUT_MS). It is a delivery like any other: kept
 * in the history, retried on failure, redeliverable.
 */
export async function sendTestDelivery(
  deps: Pick<AppDeps, 'db' | 'config'>,
  actor: Actor,
  projectId: string,
  webhookId: string,
): Promise<WebhookDeliveryDetail> {
  assertOwner(actor, 'send test deliveries');
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const w = await getWebhookRow(trx, projectId, webhookId);
    assertEnabled(w, 'send a test delivery');
    const now = await sql<{ now: Date }>`SELECT now() AS now`.execute(trx);
    const envelopeId = randomEnvelopeId();
    const body = webhookBody(envelopeId, WEBHOOK_TEST_EVENT_TYPE, now.rows[0]!.now, {
      webhook_id: w.id,
      message: 'A test delivery from XEM: the endpoint is reachable and can verify the signature.',
    });
    const row = await sql<Omit<ClaimedRow, 'url' | 'secret'>>`
      INSERT INTO webhook_deliveries
        (id, webhook_id, event_id, envelope_id, type, body, status, attempts, round_attempts, next_attempt_at)
      VALUES (${newId('whd')}, ${w.id}, NULL, ${envelopeId}, ${WEBHOOK_TEST_EVENT_TYPE}, ${body}, 'pending', 1, 1,
        now() + make_interval(secs => ${leaseMs(deps.config.webhooks.timeoutMs) / 1000}))
      ${RETURNING_CLAIMED}`.execute(trx);
    const d = row.rows[0]!;
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.test',
      targetType: 'webhook',
      targetId: w.id,
      after: { delivery_id: d.id },
    });
    return toClaimed({ ...d, url: w.url, secret: w.secret });
  });
  await attemptDelivery(deps, claimed);
  return getDeliveryDetail(deps.db, webhookId, claimed.id);
}

/**
 * Attempts a finished (succeeded or failed) delivery again now, with the same body and event
 * id, and answers with the outcome. A failure starts a fresh round of retries. A pending
 * delivery is refused: it is already being retried.
 */
export async function redeliver(
  deps: Pick<AppDeps, 'db' | 'config'>,
  actor: Actor,
  projectId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryDetail> {
  assertOwner(actor, 'redeliver webhooks');
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const w = await getWebhookRow(trx, projectId, webhookId);
    assertEnabled(w, 'redeliver');
    const row = await sql<Omit<ClaimedRow, 'url' | 'secret'>>`
      UPDATE webhook_deliveries
      SET status = 'pending', attempts = attempts + 1, round_attempts = 1, finished_at = NULL,
        updated_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseMs(deps.config.webhooks.timeoutMs) / 1000})
      WHERE id = ${deliveryId} AND webhook_id = ${w.id} AND status <> 'pending'
      ${RETURNING_CLAIMED}`.execute(trx);
    const d = row.rows[0];
    if (!d) {
      const pending = await trx
        .selectFrom('webhook_deliveries')
        .select('next_attempt_at')
        .where('id', '=', deliveryId)
        .where('webhook_id', '=', w.id)
        .executeTakeFirst();
      if (!pending) throw notFound('webhook delivery', deliveryId);
      throw new AppError(
        'conflict',
        `webhook delivery ${deliveryId} is still pending (next attempt by ${pending.next_attempt_at?.toISOString()}); redeliver it once it succeeded or failed`,
      );
    }
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.redeliver',
      targetType: 'webhook_delivery',
      targetId: deliveryId,
      after: { webhook_id: w.id, attempt: d.attempts },
    });
    return toClaimed({ ...d, url: w.url, secret: w.secret });
  });
  await attemptDelivery(deps, claimed);
  return getDeliveryDetail(deps.db, webhookId, claimed.id);
}
