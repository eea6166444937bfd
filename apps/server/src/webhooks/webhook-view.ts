import type { Kysely, Selectable } from 'kysely';
import type { Webhook, WebhookEventType } from '@xem/protocol';
import type { Database, WebhooksTable } from '../db/schema';
import { notFound } from '../http/app-error';
import { secretPrefix } from './webhook-signature';

export type WebhookRow = Selectable<WebhooksTable>;

/** Finds a webhook of the project; another project's webhook is a 404 like a missing one. */
export async function getWebhookRow(
  db: Kysely<Database>,
  projectId: string,
  webhookId: string,
  lock = false,
): Promise<WebhookRow> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', webhookId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('webhook', webhookId);
  return row;
}

/** The API shape: the secret itself never leaves through it, only its prefix. */
export function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    events: r.events as WebhookEventType[],
    description: r.description,
    metadata: r.metadata as Record<string, string>,
    enabled: r.enabled,
    secret_prefix: secretPrefix(r.secret),
    created_by: r.created_by,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
