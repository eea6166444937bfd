-- Discovered components: what agents report about their hosts, kept as candidates that project
-- owners accept (they join the graph) or reject. One row per (agent, kind, key), where the key is
-- the address when the agent gave one and the name otherwise; a re-report refreshes last_seen_at.

CREATE TABLE discovery_candidates (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  kind text NOT NULL,
  name text NOT NULL,
  address text,
  dedupe_key text NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  decided_by text REFERENCES users(id) ON DELETE SET NULL,
  decided_at timestamptz,
  reason text,
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX discovery_candidates_key ON discovery_candidates (agent_id, kind, dedupe_key);
CREATE INDEX discovery_candidates_list ON discovery_candidates (project_id, first_seen_at DESC, id DESC);
CREATE INDEX discovery_candidates_status ON discovery_candidates (project_id, status);
