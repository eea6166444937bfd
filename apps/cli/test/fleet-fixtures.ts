import type { Agent, Execution, ExecutionDetail, JoinKey, Tool, Workspace } from '@xem/protocol';

/** Objects shaped as the protocol defines them, for test servers that answer per the contract. */
export const workspace: Workspace = {
  id: 'ws_1',
  name: 'default',
  type: 'generic',
  description: '',
  is_default: true,
  paused: false,
  pause_reason: null,
  paused_at: null,
  agent_ids: ['agt_1'],
  created_at: '2026-01-01T00:00:00.000Z',
};

export const joinKey: JoinKey = {
  id: 'jk_1',
  name: 'rack 4',
  region: 'eu',
  prefix: 'xjk_abcd',
  workspace_id: null,
  max_uses: 1,
  uses: 0,
  expires_at: '2026-01-02T00:00:00.000Z',
  revoked_at: null,
  created_by: 'usr_1',
  created_at: '2026-01-01T00:00:00.000Z',
  active: true,
};

export const agent: Agent = {
  id: 'agt_1',
  registration_name: 'web-1',
  hostname: 'web-1.example.test',
  version: '0.1.0',
  region: 'eu',
  description: '',
  status: 'online',
  status_reason: null,
  max_concurrency: 20,
  in_flight: 0,
  tool_count: 3,
  manifest_hash: 'abc',
  manifest_version: 1,
  last_heartbeat_at: '2026-01-01T00:00:05.000Z',
  lease_expires_at: '2026-01-01T00:00:35.000Z',
  workspace_ids: ['ws_1'],
  paused_workspace_ids: [],
  created_at: '2026-01-01T00:00:00.000Z',
};

export const tool: Tool = {
  name: 'system_info',
  description: 'Host facts',
  risk: 'read',
  domain: 'system',
  timeout_ms: 10_000,
  idempotent: true,
  mcp_visible: true,
  params: { type: 'object', properties: {}, additionalProperties: false },
  agents: [{ id: 'agt_1', registration_name: 'web-1', status: 'online' }],
  workspace_ids: ['ws_1'],
};

export const execution: Execution = {
  id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'system_info',
  args: {},
  risk: 'read',
  idempotent: true,
  source: 'cli',
  status: 'queued',
  attempt: 0,
  max_attempts: 3,
  agent_id: null,
  exit_code: null,
  error: null,
  timeout_ms: 10_000,
  created_by: { user_id: 'usr_1', key_id: 'key_1' },
  approval_id: null,
  chat_id: null,
  created_at: '2026-01-01T00:00:00.000Z',
  dispatched_at: null,
  finished_at: null,
  duration_ms: null,
};

export const executionDetail: ExecutionDetail = {
  ...execution,
  status: 'completed',
  attempt: 1,
  agent_id: 'agt_1',
  exit_code: 0,
  history: [
    { from: null, to: 'queued', attempt: 0, reason: null, at: '2026-01-01T00:00:00.000Z' },
    { from: 'queued', to: 'dispatched', attempt: 1, reason: null, at: '2026-01-01T00:00:01.000Z' },
    { from: 'dispatched', to: 'completed', attempt: 1, reason: null, at: '2026-01-01T00:00:02.000Z' },
  ],
  attempts: [],
  output: { stdout: '{"os":"linux"}\n', stderr: '', truncated: false },
};
