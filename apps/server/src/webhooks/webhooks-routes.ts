import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedWebhook,
  CreateWebhookRequest,
  ListQuery,
  listOf,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryListQuery,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { getDelivery, listDeliveries, redeliver, sendTestDelivery } from './webhook-deliveries-service';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './webhooks-service';

const WebhookParams = z.object({ webhook_id: z.string().min(1).max(64) });
const DeliveryParams = WebhookParams.extend({ delivery_id: z.string().min(1).max(64) });

/**
 * Webhooks, mounted under `/:project_id/v1/management` (API key, `management` scope) and
 * `/ops/api` (dashboard session, active project). Reads for any member, writes for owners.
 */
export function webhooksRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/webhooks`;
  const one = `${base}/:webhook_id`;
  const policy = deps.config.webhooks;

  r.get(
    base,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Webhook) }, tags } },
    async (req) => listWebhooks(deps.db, projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateWebhookRequest, response: { 201: CreatedWebhook }, tags } },
    async (req, reply) =>
      reply.status(201).send(await createWebhook(deps.db, actorOf(req), projectOf(req), req.body, policy)),
  );

  r.get(one, { config, schema: { params: WebhookParams, response: { 200: Webhook }, tags } }, async (req) =>
    getWebhook(deps.db, projectOf(req), req.params.webhook_id),
  );

  r.patch(
    one,
    {
      config,
      schema: { params: WebhookParams, body: UpdateWebhookRequest, response: { 200: Webhook }, tags },
    },
    async (req) =>
      updateWebhook(deps.db, actorOf(req), projectOf(req), req.params.webhook_id, req.body, policy),
  );

  r.delete(
    one,
    { config, schema: { params: WebhookParams, response: { 200: Webhook }, tags } },
    async (req) => deleteWebhook(deps.db, actorOf(req), projectOf(req), req.params.webhook_id),
  );

  r.post(
    `${one}/rotate-secret`,
    { config, schema: { params: WebhookParams, response: { 200: CreatedWebhook }, tags } },
    async (req) => rotateWebhookSecret(deps.db, actorOf(req), projectOf(req), req.params.webhook_id),
  );

  r.post(
    `${one}/test`,
    { config, schema: { params: WebhookParams, response: { 200: WebhookDeliveryDetail }, tags } },
    async (req) => sendTestDelivery(deps, actorOf(req), projectOf(req), req.params.webhook_id),
  );

  r.get(
    `${one}/deliveries`,
    {
      config,
      schema: {
        params: WebhookParams,
        querystring: WebhookDeliveryListQuery,
        response: { 200: listOf(WebhookDelivery) },
        tags,
      },
    },
    async (req) => listDeliveries(deps.db, projectOf(req), req.params.webhook_id, req.query),
  );

  r.get(
    `${one}/deliveries/:delivery_id`,
    { config, schema: { params: DeliveryParams, response: { 200: WebhookDeliveryDetail }, tags } },
    async (req) => getDelivery(deps.db, projectOf(req), req.params.webhook_id, req.params.delivery_id),
  );

  r.post(
    `${one}/deliveries/:delivery_id/redeliver`,
    { config, schema: { params: DeliveryParams, response: { 200: WebhookDeliveryDetail }, tags } },
    async (req) =>
      redeliver(deps, actorOf(req), projectOf(req), req.params.webhook_id, req.params.delivery_id),
  );
}
