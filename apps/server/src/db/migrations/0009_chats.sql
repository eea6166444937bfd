-- Chats: conversations in a workspace, blank or pinned to one template version (whose prompt,
-- tools and approval policy are copied here: versions never change, so the copy is the pin).
-- A chat's turn (the model or a tool working on its latest message) is claimed with one
-- conditional UPDATE of turn_status and held on a lease that a lapsed server gives up.

CREATE TABLE chats (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  title text NOT NULL,
  template_id text,
  template_version integer,
  template_name text,
  system_prompt text NOT NULL DEFAULT '',
  -- NULL: every tool of the workspace (a blank chat).
  allowed_tools text[],
  approval_policy text NOT NULL CHECK (approval_policy IN ('standard', 'elevated', 'restricted')),
  created_by_user text REFERENCES users(id) ON DELETE SET NULL,
  created_by_key text REFERENCES api_keys(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  message_count integer NOT NULL DEFAULT 0,
  turn_status text NOT NULL DEFAULT 'idle' CHECK (turn_status IN ('idle', 'running', 'waiting_approval')),
  -- Whether the turn asks the model once its tool calls settle (false: an operator's tool run).
  turn_model boolean NOT NULL DEFAULT false,
  -- Who drives the turn: the requester of the executions it creates.
  turn_user text REFERENCES users(id) ON DELETE SET NULL,
  turn_key text REFERENCES api_keys(id) ON DELETE SET NULL,
  -- The server process running the turn, and until when its claim holds unless renewed.
  turn_owner text,
  turn_lease_until timestamptz,
  FOREIGN KEY (template_id, template_version) REFERENCES template_versions (template_id, version),
  CHECK ((template_id IS NULL) = (template_version IS NULL)),
  CHECK ((turn_status = 'idle') = (turn_lease_until IS NULL))
);
CREATE INDEX chats_list ON chats (project_id, created_at DESC, id DESC);
CREATE INDEX chats_workspace ON chats (workspace_id, created_at DESC);
CREATE INDEX chats_turns ON chats (turn_lease_until) WHERE turn_status <> 'idle';

CREATE TABLE chat_messages (
  id text PRIMARY KEY,
  chat_id text NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'error')),
  content text,
  tool_calls jsonb NOT NULL DEFAULT '[]'::jsonb,
  tool_call_id text,
  execution_id text REFERENCES executions(id) ON DELETE SET NULL,
  author_user text REFERENCES users(id) ON DELETE SET NULL,
  author_key text REFERENCES api_keys(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chat_id, seq)
);

ALTER TABLE executions ADD COLUMN chat_id text REFERENCES chats(id) ON DELETE SET NULL;
ALTER TABLE executions ADD COLUMN chat_tool_call_id text;
CREATE INDEX executions_chat ON executions (chat_id, created_at) WHERE chat_id IS NOT NULL;
