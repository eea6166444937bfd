-- Approvals: a policy per workspace (versioned), approvals created with the executions that need
-- them, votes per stage, delegations of approval authority, one-time reviewer links, and the
-- outbox of e-mails (sent over SMTP when configured).

CREATE TABLE approval_policy_versions (
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  levels jsonb NOT NULL,
  created_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE approvals (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  execution_id text NOT NULL UNIQUE REFERENCES executions(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  tool text NOT NULL,
  risk text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'timed_out', 'cancelled', 'invalidated')),
  -- The level policy in force when requested (stages, timeouts, self-approval), frozen.
  policy_version integer NOT NULL,
  policy jsonb NOT NULL,
  action_hash text NOT NULL,
  stage_index integer NOT NULL DEFAULT 0,
  stage_deadline_at timestamptz NOT NULL,
  requested_by_user text REFERENCES users(id) ON DELETE SET NULL,
  requested_by_key text REFERENCES api_keys(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by_user text REFERENCES users(id) ON DELETE SET NULL,
  decided_by_email text,
  decided_via text,
  note text,
  reason text
);
CREATE INDEX approvals_project_idx ON approvals (project_id, created_at DESC, id DESC);
CREATE INDEX approvals_due_idx ON approvals (stage_deadline_at) WHERE status = 'pending';

-- One vote per person per stage; an approval passes its stage at `required_approvals` votes.
CREATE TABLE approval_votes (
  approval_id text NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  stage_index integer NOT NULL,
  -- A user id, or `email:<address>` for an external reviewer.
  voter text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  user_id text REFERENCES users(id) ON DELETE SET NULL,
  email text,
  via text NOT NULL,
  note text,
  reason text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (approval_id, stage_index, voter)
);

ALTER TABLE executions ADD COLUMN approval_id text;

CREATE TABLE delegations (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tier text NOT NULL CHECK (tier IN ('destructive', 'irreversible')),
  expires_at timestamptz,
  granted_by text REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by text REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX delegations_user_idx ON delegations (project_id, user_id) WHERE revoked_at IS NULL;

-- One-time links: only the nonce and its binding are stored; the token is signed with
-- XEROTIER_APPROVAL_LINK_SECRET. `used_at` is set in the transaction of the decision.
CREATE TABLE approval_links (
  jti text PRIMARY KEY,
  approval_id text NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  stage_index integer NOT NULL,
  email text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX approval_links_approval_idx ON approval_links (approval_id);

CREATE TABLE outbox_messages (
  id text PRIMARY KEY,
  project_id text REFERENCES projects(id) ON DELETE CASCADE,
  kind text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'unsent')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX outbox_due_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_project_idx ON outbox_messages (project_id, created_at DESC, id DESC);
