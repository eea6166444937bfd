import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import {
  CreatedWebhook,
  listOf,
  WebhookDelivery,
  WebhookDeliveryDetail,
  type WebhookEventType,
} from '@xem/protocol';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test-support/webhook-receiver';
import { fanOutEvents } from '../src/webhooks/fan-out-events';
import { startWebhookLoops } from '../src/webhooks/start-webhook-loops';
import { adminKey } from './execution-fixtures';
import { waitFor } from './fake-agent';
import { bearer, createTestApp, type TestApp } from './test-app';

/**
 * A test app with the webhook loops running, a real receiver on 127.0.0.1, an admin key, and
 * helpers that go through the API like a user would. Short retry and poll intervals.
 */
export interface WebhookHarness {
  t: TestApp;
  key: string;
  receiver: WebhookReceiver;
  /** Stops the running loops (tests may restart them with `restartLoops`). */
  stopLoops(): Promise<void>;
  restartLoops(): Promise<void>;
  /** An endpoint at `<receiver><path>` subscribed to `events`. */
  endpoint(path: string, events: WebhookEventType[]): Promise<CreatedWebhook>;
  remove(...hooks: CreatedWebhook[]): Promise<void>;
  deliveries(h: CreatedWebhook): Promise<WebhookDelivery[]>;
  detail(h: CreatedWebhook, deliveryId: string): Promise<WebhookDeliveryDetail>;
  post(url: string): Promise<LightMyRequestResponse>;
  /** Creates a workspace: its `workspace.created` event is an `exec.workspace_created` webhook. */
  createWorkspace(name: string): Promise<string>;
  /**
   * Runs the fan-out to the current head itself (waiting while a loop holds the cursor): nothing
   * it finds may add a delivery twice.
   */
  settle(): Promise<void>;
  mgmt(): string;
  close(): Promise<void>;
}

export async function webhookHarness(env: Record<string, string> = {}): Promise<WebhookHarness> {
  const t = await createTestApp({
    XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
    XEM_WEBHOOK_RETRY_BASE_MS: '10',
    XEM_STREAM_POLL_INTERVAL_MS: '200',
    ...env,
  });
  const key = await adminKey(t);
  const receiver = await startWebhookReceiver();
  let stop: (() => Promise<void>) | null = await startWebhookLoops(t.deps);
  const mgmt = () => `/${t.projectId}/v1/management`;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(key) });

  return {
    t,
    key,
    receiver,
    mgmt,
    stopLoops: async () => {
      await stop?.();
      stop = null;
    },
    restartLoops: async () => {
      await stop?.();
      stop = await startWebhookLoops(t.deps);
    },
    endpoint: async (path, events) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `${mgmt()}/webhooks`,
        headers: bearer(key),
        payload: { url: `${receiver.baseUrl}${path}`, events },
      });
      expect(res.statusCode, res.body).toBe(201);
      return CreatedWebhook.parse(res.json());
    },
    remove: async (...hooks) => {
      for (const h of hooks) {
        await t.app.inject({
          method: 'DELETE',
          url: `${mgmt()}/webhooks/${h.webhook.id}`,
          headers: bearer(key),
        });
      }
    },
    deliveries: async (h) =>
      listOf(WebhookDelivery).parse((await get(`${mgmt()}/webhooks/${h.webhook.id}/deliveries`)).json()).data,
    detail: async (h, deliveryId) =>
      WebhookDeliveryDetail.parse(
        (await get(`${mgmt()}/webhooks/${h.webhook.id}/deliveries/${deliveryId}`)).json(),
      ),
    post: (url) => t.app.inject({ method: 'POST', url, headers: bearer(key) }),
    createWorkspace: async (name) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `${mgmt()}/workspaces`,
        headers: bearer(key),
        payload: { name },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    },
    settle: async () => {
      await t.deps.hub.poke();
      const watermark = await t.deps.hub.watermark();
      await waitFor(async () => (await fanOutEvents(t.deps.db, watermark)) !== 'busy', 'the fan-out cursor');
    },
    close: async () => {
      await stop?.();
      await receiver.close();
      await t.close();
    },
  };
}
