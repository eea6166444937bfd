/** Tables of webhook endpoints, their deliveries and the fan-out cursor (migration 0005). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  events: string[];
  description: string;
  metadata: Json;
  secret: string;
  enabled: boolean;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  /** bigint, as a decimal string; null for a test delivery. */
  event_id: string | null;
  envelope_id: string;
  type: string;
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Generated<number>;
  round_attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Timestamp | null;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface WebhookFanoutTable {
  singleton: Generated<boolean>;
  last_event_id: string;
  id_salt: string;
}
