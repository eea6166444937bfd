import { z } from 'zod';
import { Timestamp } from './common';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from './events';

/** Type of the delivery `POST …/webhooks/:id/test` sends; nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT_TYPE = 'exec.test';

/** What a delivery carries: a subscribable `exec.*` type or the test type. */
export const WebhookDeliveryType = z.enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT_TYPE]);
export type WebhookDeliveryType = z.infer<typeof WebhookDeliveryType>;

export const MAX_WEBHOOK_METADATA_PAIRS = 16;

/** Free-form labels of an endpoint: at most 16 pairs of short strings. */
export const WebhookMetadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= MAX_WEBHOOK_METADATA_PAIRS, {
    message: `at most ${MAX_WEBHOOK_METADATA_PAIRS} key-value pairs`,
  });

/** The server decides which URLs it accepts (https, or http to loopback in development). */
const WebhookUrl = z.string().trim().min(1).max(2048);
/** At least one type; a repeated type counts once. */
const WebhookEvents = z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length);

export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  /** First characters of the signing secret, enough to tell which one a receiver holds. */
  secret_prefix: z.string(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Webhook = z.infer<typeof Webhook>;

export const CreateWebhookRequest = z.object({
  url: WebhookUrl,
  events: WebhookEvents,
  description: z.string().max(500).default(''),
  metadata: WebhookMetadata.default({}),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** Each field given replaces the stored one (`events` and `metadata` as a whole). */
export const UpdateWebhookRequest = z.object({
  url: WebhookUrl.optional(),
  events: WebhookEvents.optional(),
  description: z.string().max(500).optional(),
  metadata: WebhookMetadata.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

/** The signing secret (`whsec_…`) appears in this response (create, rotate) and never again. */
export const CreatedWebhook = z.object({ secret: z.string(), webhook: Webhook });
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const WebhookDeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

export const WebhookDelivery = z.object({
  id: z.string(),
  webhook_id: z.string(),
  /** The envelope's `id` (`evt_…`): the same for every endpoint and every attempt of one event. */
  event_id: z.string(),
  type: WebhookDeliveryType,
  status: WebhookDeliveryStatus,
  /** Attempts made so far, redeliveries included. */
  attempts: z.number().int(),
  /** When a pending delivery is tried next; null once it succeeded or failed. */
  next_attempt_at: Timestamp.nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** When it succeeded or gave up. */
  finished_at: Timestamp.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** One HTTP attempt of a delivery. */
export const WebhookDeliveryAttempt = z.object({
  attempt: z.number().int(),
  started_at: Timestamp,
  duration_ms: z.number().int(),
  /** Null when no answer came (connection error, timeout). */
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  /** The first bytes of the answer's body. */
  response_excerpt: z.string().nullable(),
});
export type WebhookDeliveryAttempt = z.infer<typeof WebhookDeliveryAttempt>;

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  /** The exact request body every attempt sent (the signature covers it byte for byte). */
  body: z.string(),
  history: z.array(WebhookDeliveryAttempt),
});
export type WebhookDeliveryDetail = z.infer<typeof WebhookDeliveryDetail>;

export const WebhookDeliveryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  status: WebhookDeliveryStatus.optional(),
});
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuery>;

/** The body of every webhook request. `data` is snake_case; docs/webhooks.md lists it per type. */
export const WebhookEnvelope = z.object({
  id: z.string().regex(/^evt_[0-9a-f]{24}$/),
  object: z.literal('event'),
  type: WebhookDeliveryType,
  /** Unix seconds. */
  created_at: z.number().int(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
