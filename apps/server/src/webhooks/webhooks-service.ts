import { sql, type Kysely } from 'kysely';
import {
  WEBHOOK_EVENT_TYPES,
  type CreatedWebhook,
  type CreateWebhookRequest,
  type ListQuery,
  type UpdateWebhookRequest,
  type Webhook,
  type WebhookEventType,
} from '@xem/protocol';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { assertWebhookUrl } from './webhook-url';
import { mintWebhookSecret } from './webhook-signature';
import { getWebhookRow, toWebhook } from './webhook-view';

export interface WebhookPolicy {
  /** config.webhooks.allowHttpLoopback */
  allowHttpLoopback: boolean;
}

/** A repeated type counts once; the stored order is the one of WEBHOOK_EVENT_TYPES. */
function eventList(events: readonly WebhookEventType[]): WebhookEventType[] {
  return WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t));
}

/** Webhooks of the project, newest first (created_at DESC, id DESC), one keyset page. */
export async function listWebhooks(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Webhook[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toWebhook), next_cursor: page.next_cursor };
}

export async function getWebhook(
  db: Kysely<Database>,
  projectId: string,
  webhookId: string,
): Promise<Webhook> {
  return toWebhook(await getWebhookRow(db, projectId, webhookId));
}

/** Creates an endpoint; its signing secret is returned here once. It receives events from now on. */
export async function createWebhook(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: CreateWebhookRequest,
  policy: WebhookPolicy,
): Promise<CreatedWebhook> {
  assertOwner(actor, 'create webhooks');
  assertWebhookUrl(input.url, policy.allowHttpLoopback);
  const minted = mintWebhookSecret();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhooks')
      .values({
        id: newId('wh'),
        project_id: projectId,
        url: input.url,
        events: eventList(input.events),
        description: input.description,
        metadata: JSON.stringify(input.metadata),
        secret: minted.secret,
        enabled: true,
        created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const webhook = toWebhook(row);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.create',
      targetType: 'webhook',
      targetId: webhook.id,
      after: webhook,
    });
    return { secret: minted.secret, webhook };
  });
}

/** Replaces the fields given; disabling stops deliveries (pending ones wait until re-enabled). */
export async function updateWebhook(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  webhookId: string,
  input: UpdateWebhookRequest,
  policy: WebhookPolicy,
): Promise<Webhook> {
  assertOwner(actor, 'change webhooks');
  if (input.url !== undefined) assertWebhookUrl(input.url, policy.allowHttpLoopback);
  return db.transaction().execute(async (trx) => {
    const old = toWebhook(await getWebhookRow(trx, projectId, webhookId, true));
    const row = await trx
      .updateTable('webhooks')
      .set({
        ...(input.url === undefined ? {} : { url: input.url }),
        ...(input.events === undefined ? {} : { events: eventList(input.events) }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.metadata === undefined ? {} : { metadata: JSON.stringify(input.metadata) }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', webhookId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const webhook = toWebhook(row);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.update',
      targetType: 'webhook',
      targetId: webhookId,
      before: old,
      after: webhook,
    });
    return webhook;
  });
}

/** Deletes the endpoint with its delivery history; an attempt in flight finishes unrecorded. */
export async function deleteWebhook(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  webhookId: string,
): Promise<Webhook> {
  assertOwner(actor, 'delete webhooks');
  return db.transaction().execute(async (trx) => {
    const old = toWebhook(await getWebhookRow(trx, projectId, webhookId, true));
    await trx.deleteFrom('webhooks').where('id', '=', webhookId).execute();
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.delete',
      targetType: 'webhook',
      targetId: webhookId,
      before: old,
    });
    return old;
  });
}

/**
 * Replaces the signing secret at once: every attempt from now on is signed with the new one
 * (deliveries a receiver refuses meanwhile are retried on the usual schedule).
 */
export async function rotateWebhookSecret(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  webhookId: string,
): Promise<CreatedWebhook> {
  assertOwner(actor, 'rotate webhook secrets');
  const minted = mintWebhookSecret();
  return db.transaction().execute(async (trx) => {
    const old = toWebhook(await getWebhookRow(trx, projectId, webhookId, true));
    const row = await trx
      .updateTable('webhooks')
      .set({ secret: minted.secret, updated_at: sql<Date>`now()` })
      .where('id', '=', webhookId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const webhook = toWebhook(row);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'webhook.rotate_secret',
      targetType: 'webhook',
      targetId: webhookId,
      before: old,
      after: webhook,
    });
    return { secret: minted.secret, webhook };
  });
}
