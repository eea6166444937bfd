-- Webhook endpoints of a project: the exec.* types they subscribe to, delivered to their URL and
-- signed with their own secret.
CREATE TABLE webhooks (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url text NOT NULL,
  events text[] NOT NULL CHECK (cardinality(events) >= 1),
  description text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Kept as is, not hashed: every delivery is signed with it (HMAC needs the key itself).
  secret text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_project_idx ON webhooks (project_id, created_at);

-- One event (or test) for one endpoint. `body` is the exact JSON every attempt sends.
-- `attempts` counts every attempt; `round_attempts` those since the delivery was created or
-- last redelivered, which drive the backoff and the give-up point.
CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  webhook_id text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  -- The events row it comes from; no foreign key, events are pruned. NULL for a test delivery.
  event_id bigint,
  envelope_id text NOT NULL,
  type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  round_attempts integer NOT NULL DEFAULT 0 CHECK (round_attempts >= 0),
  -- Pending only: when it is due. While an attempt is in flight it is the end of that
  -- attempt's lease, after which another worker may take it over.
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (webhook_id, event_id),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_delivery_attempts (
  delivery_id text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  status_code integer,
  error text,
  response_excerpt text,
  PRIMARY KEY (delivery_id, attempt)
);

-- The fan-out's position in `events`, shared by every replica (whoever holds the row lock
-- advances it), and the salt of the envelope ids derived from event ids.
CREATE TABLE webhook_fanout (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_event_id bigint NOT NULL,
  id_salt text NOT NULL
);
INSERT INTO webhook_fanout (last_event_id, id_salt)
VALUES (
  COALESCE((SELECT max(id) FROM events), 0),
  replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
);
