import {
  CreatedWebhook,
  listOf,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryDetail,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  type WebhookDeliveryStatus,
} from '@xem/protocol';
import type { z } from 'zod';
import type { PageQuery } from './execution-list-query';
import { sendRequest, type RequestSpec, type Transport } from './send-request';

type List<T> = { data: T[]; next_cursor: string | null };

/** Filters of `GET …/webhooks/:id/deliveries`. */
export interface DeliveryListQuery extends PageQuery {
  status?: WebhookDeliveryStatus | undefined;
}

/**
 * The server waits for the endpoint (up to XEM_WEBHOOK_TIMEOUT_MS, at most 120 s) before it
 * answers a test send or a redelivery.
 */
const SEND_TIMEOUT_MS = 150_000;

/** `/:project_id/v1/management/webhooks` (`XemClient.webhooks`): endpoints and their deliveries. */
export class WebhooksApi {
  constructor(
    private readonly transport: Transport,
    /** `/:project_id/v1/management/webhooks`; throws when the client has no project. */
    private readonly base: () => string,
  ) {}

  async list(query: PageQuery = {}): Promise<List<Webhook>> {
    return this.call({ method: 'GET', path: this.base(), query: { ...query }, schema: listOf(Webhook) });
  }

  /** The signing secret (`whsec_…`) is in the answer and nowhere else. */
  async create(body: z.input<typeof CreateWebhookRequest>): Promise<CreatedWebhook> {
    return this.call({ method: 'POST', path: this.base(), body, schema: CreatedWebhook });
  }

  async get(webhookId: string): Promise<Webhook> {
    return this.call({ method: 'GET', path: this.one(webhookId), schema: Webhook });
  }

  /** Replaces the fields given (`events` and `metadata` as a whole). */
  async update(webhookId: string, body: z.input<typeof UpdateWebhookRequest>): Promise<Webhook> {
    return this.call({ method: 'PATCH', path: this.one(webhookId), body, schema: Webhook });
  }

  /** Deletes the endpoint and its delivery history; answers with what was deleted. */
  async delete(webhookId: string): Promise<Webhook> {
    return this.call({ method: 'DELETE', path: this.one(webhookId), schema: Webhook });
  }

  /** A new secret, in effect at once; shown in the answer only. */
  async rotateSecret(webhookId: string): Promise<CreatedWebhook> {
    return this.call({ method: 'POST', path: this.one(webhookId, '/rotate-secret'), schema: CreatedWebhook });
  }

  /** Sends an `exec.test` delivery now; answers once the endpoint did (or did not). */
  async test(webhookId: string): Promise<WebhookDeliveryDetail> {
    const path = this.one(webhookId, '/test');
    return this.call({ method: 'POST', path, schema: WebhookDeliveryDetail, timeoutMs: SEND_TIMEOUT_MS });
  }

  /** Newest first. */
  async listDeliveries(webhookId: string, query: DeliveryListQuery = {}): Promise<List<WebhookDelivery>> {
    const path = this.one(webhookId, '/deliveries');
    return this.call({ method: 'GET', path, query: { ...query }, schema: listOf(WebhookDelivery) });
  }

  /** One delivery with the body it sends and every attempt. */
  async getDelivery(webhookId: string, deliveryId: string): Promise<WebhookDeliveryDetail> {
    const path = this.one(webhookId, `/deliveries/${seg(deliveryId)}`);
    return this.call({ method: 'GET', path, schema: WebhookDeliveryDetail });
  }

  /** Sends a succeeded or failed delivery again now (same body and event id). */
  async redeliver(webhookId: string, deliveryId: string): Promise<WebhookDeliveryDetail> {
    const path = this.one(webhookId, `/deliveries/${seg(deliveryId)}/redeliver`);
    return this.call({ method: 'POST', path, schema: WebhookDeliveryDetail, timeoutMs: SEND_TIMEOUT_MS });
  }

  private one(webhookId: string, rest = ''): string {
    return `${this.base()}/${seg(webhookId)}${rest}`;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.transport, spec);
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}
