-- Workspaces, join keys, agents and their credentials, tools from manifests, executions.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL DEFAULT 'generic',
  description text NOT NULL DEFAULT '',
  is_default boolean NOT NULL DEFAULT false,
  paused_at timestamptz,
  pause_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, name)
);
CREATE UNIQUE INDEX workspaces_one_default ON workspaces (project_id) WHERE is_default;

-- Every existing project gets its default workspace.
INSERT INTO workspaces (id, project_id, name, type, is_default)
SELECT 'ws_' || substr(md5(random()::text || id), 1, 20), id, 'default', 'generic', true FROM projects;

CREATE TABLE join_keys (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  workspace_id text REFERENCES workspaces(id) ON DELETE SET NULL,
  name text NOT NULL,
  region text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  max_uses integer NOT NULL CHECK (max_uses >= 1),
  uses integer NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX join_keys_project_idx ON join_keys (project_id, created_at);

CREATE TABLE agents (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  registration_name text NOT NULL,
  hostname text NOT NULL,
  version text NOT NULL,
  region text NOT NULL,
  description text NOT NULL DEFAULT '',
  public_key text NOT NULL,
  join_key_id text REFERENCES join_keys(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'offline'
    CHECK (status IN ('online', 'paused', 'draining', 'offline', 'revoked')),
  status_reason text,
  max_concurrency integer NOT NULL DEFAULT 20 CHECK (max_concurrency >= 1),
  manifest jsonb NOT NULL DEFAULT '{"tools": []}'::jsonb,
  manifest_hash text,
  manifest_version integer NOT NULL DEFAULT 0,
  -- Which server process holds the agent's channel (dispatch happens there).
  connected_to text,
  last_heartbeat_at timestamptz,
  lease_expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, registration_name)
);
CREATE INDEX agents_lease_idx ON agents (lease_expires_at) WHERE status IN ('online', 'paused', 'draining');

CREATE TABLE agent_credentials (
  id text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_credentials_agent_idx ON agent_credentials (agent_id);

CREATE TABLE agent_challenges (
  challenge text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);

CREATE TABLE workspace_agents (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  paused_at timestamptz,
  pause_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, agent_id)
);
CREATE INDEX workspace_agents_agent_idx ON workspace_agents (agent_id);

-- The tools of each agent's current manifest, one row per tool, for catalogue and dispatch queries.
CREATE TABLE agent_tools (
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  risk text NOT NULL CHECK (risk IN ('read', 'write', 'destructive', 'irreversible')),
  domain text NOT NULL,
  timeout_ms integer NOT NULL,
  idempotent boolean NOT NULL,
  mcp_visible boolean NOT NULL,
  params jsonb NOT NULL,
  bundle text NOT NULL,
  PRIMARY KEY (agent_id, name)
);
CREATE INDEX agent_tools_name_idx ON agent_tools (name);

CREATE TABLE executions (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  tool text NOT NULL,
  args jsonb NOT NULL,
  risk text NOT NULL,
  idempotent boolean NOT NULL,
  timeout_ms integer NOT NULL,
  source text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_approval', 'queued', 'dispatched', 'completed',
    'failed', 'timed_out', 'cancelled', 'rejected', 'ambiguous')),
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  agent_id text REFERENCES agents(id) ON DELETE SET NULL,
  exit_code integer,
  error jsonb,
  created_by_user text REFERENCES users(id) ON DELETE SET NULL,
  created_by_key text REFERENCES api_keys(id) ON DELETE SET NULL,
  idempotency_key text,
  request_hash text,
  cancel_requested_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  queued_at timestamptz,
  dispatched_at timestamptz,
  -- Server-side backstop: a dispatched execution past this time is timed out by the sweeper.
  deadline_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX executions_project_idx ON executions (project_id, created_at DESC, id DESC);
CREATE INDEX executions_queue_idx ON executions (workspace_id, tool, queued_at) WHERE status = 'queued';
CREATE INDEX executions_agent_idx ON executions (agent_id) WHERE status = 'dispatched';
CREATE UNIQUE INDEX executions_idempotency_idx ON executions (project_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE execution_attempts (
  execution_id text NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  agent_id text REFERENCES agents(id) ON DELETE SET NULL,
  status text NOT NULL,
  exit_code integer,
  error jsonb,
  stdout text NOT NULL DEFAULT '',
  stderr text NOT NULL DEFAULT '',
  truncated boolean NOT NULL DEFAULT false,
  dispatched_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (execution_id, attempt)
);

CREATE TABLE execution_transitions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  execution_id text NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  attempt integer NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX execution_transitions_exec_idx ON execution_transitions (execution_id, id);

CREATE TABLE execution_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  execution_id text NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('stdout', 'stderr', 'progress')),
  data text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX execution_logs_exec_idx ON execution_logs (execution_id, id);
