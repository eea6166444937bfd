import type { Webhook, WebhookDelivery, WebhookDeliveryDetail } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `webhooks list` columns. */
export const WEBHOOK_COLUMNS: Column<Webhook>[] = [
  { header: 'ID', value: (w) => w.id },
  { header: 'URL', value: (w) => w.url },
  { header: 'EVENTS', value: (w) => w.events },
  { header: 'ENABLED', value: (w) => w.enabled },
  { header: 'DESCRIPTION', value: (w) => w.description },
  { header: 'CREATED', value: (w) => w.created_at, time: true },
];

/** One webhook as fields, for show and for what the changing verbs print. */
export function webhookFields(w: Webhook): Array<[string, CellValue]> {
  return [
    ['ID', w.id],
    ['URL', w.url],
    ['EVENTS', w.events],
    ['ENABLED', w.enabled],
    ['DESCRIPTION', w.description],
    [
      'METADATA',
      Object.entries(w.metadata)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`),
    ],
    ['SECRET_PREFIX', w.secret_prefix],
    ['CREATED_BY', w.created_by],
    ['CREATED', w.created_at],
    ['UPDATED', w.updated_at],
  ];
}

/** `webhooks deliveries <id>` columns. */
export const DELIVERY_COLUMNS: Column<WebhookDelivery>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'EVENT_ID', value: (d) => d.event_id },
  { header: 'TYPE', value: (d) => d.type },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'ATTEMPTS', value: (d) => d.attempts },
  { header: 'LAST_CODE', value: (d) => d.last_status_code },
  { header: 'NEXT_ATTEMPT', value: (d) => d.next_attempt_at, time: true },
  { header: 'CREATED', value: (d) => d.created_at, time: true },
];

/** One delivery as fields, one `ATTEMPT_<n>` field per attempt, then the exact body sent. */
export function deliveryFields(d: WebhookDeliveryDetail): Array<[string, CellValue]> {
  return [
    ['ID', d.id],
    ['WEBHOOK', d.webhook_id],
    ['EVENT_ID', d.event_id],
    ['TYPE', d.type],
    ['STATUS', d.status],
    ['ATTEMPTS', d.attempts],
    ['LAST_CODE', d.last_status_code],
    ['LAST_ERROR', d.last_error],
    ['NEXT_ATTEMPT', d.next_attempt_at],
    ['CREATED', d.created_at],
    ['FINISHED', d.finished_at],
    ...d.history.map((h): [string, CellValue] => [
      `ATTEMPT_${h.attempt}`,
      `${h.started_at} ${h.status_code ?? '-'} ${h.duration_ms}ms${h.error ? ` ${h.error}` : ''}`,
    ]),
    ['BODY', d.body],
  ];
}
