import type { Agent, Approval, Execution, Risk, Tool, Workspace } from '@xem/protocol';
import type { GraphSource } from '../../apps/web/src/graph/graph-model';

/**
 * A synthetic fleet of about `nodes` graph nodes, shaped like the API's rows: 1 % workspaces,
 * 30 % agents (each bound to one or two workspaces, offering 8 tools), the rest tools, 2 % of the
 * agents running an execution, one pending approval per 100 tools. Deterministic for a seed.
 */
export function generateFleet(nodes: number, seed = 1): GraphSource {
  let s = seed >>> 0 || 1;
  const rand = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const at = '2026-01-01T00:00:00.000Z';

  const wsCount = Math.max(1, Math.round(nodes * 0.01));
  const agentCount = Math.max(1, Math.round(nodes * 0.3));
  const toolCount = Math.max(1, nodes - wsCount - agentCount);

  const agents: Agent[] = [];
  const wsAgents = new Map<string, string[]>();
  const wsIds = Array.from({ length: wsCount }, (_, i) => `ws_${i}`);
  for (let i = 0; i < agentCount; i++) {
    const id = `agt_${i}`;
    const ws = new Set([wsIds[i % wsCount]!, ...(rand() < 0.3 ? [pick(wsIds)] : [])]);
    for (const w of ws) wsAgents.set(w, [...(wsAgents.get(w) ?? []), id]);
    agents.push({
      id,
      registration_name: `agent-${i}`,
      hostname: `host-${i}`,
      version: '1.0.0',
      region: pick(['eu-1', 'us-1', 'ap-1']),
      description: '',
      status: rand() < 0.9 ? 'online' : pick(['paused', 'draining', 'offline', 'revoked'] as const),
      status_reason: null,
      max_concurrency: 4,
      in_flight: 0,
      tool_count: 8,
      manifest_hash: null,
      manifest_version: 1,
      last_heartbeat_at: at,
      lease_expires_at: null,
      workspace_ids: [...ws],
      paused_workspace_ids: [],
      created_at: at,
    });
  }
  const workspaces: Workspace[] = wsIds.map((id, i) => ({
    id,
    name: `workspace-${i}`,
    type: 'generic',
    description: '',
    is_default: i === 0,
    paused: false,
    pause_reason: null,
    paused_at: null,
    agent_ids: wsAgents.get(id) ?? [],
    created_at: at,
  }));

  const offers = new Map<number, Agent[]>();
  for (const a of agents) {
    for (let k = 0; k < 8; k++) {
      const t = Math.floor(rand() * toolCount);
      offers.set(t, [...(offers.get(t) ?? []), a]);
    }
  }
  const risks: Risk[] = ['read', 'read', 'read', 'write', 'destructive', 'irreversible'];
  const tools: Tool[] = Array.from({ length: toolCount }, (_, i) => {
    const by = [...new Map((offers.get(i) ?? []).map((a) => [a.id, a])).values()];
    return {
      name: `tool_${i}`,
      description: '',
      risk: pick(risks),
      domain: 'general',
      timeout_ms: 60_000,
      idempotent: true,
      mcp_visible: true,
      params: {},
      agents: by.map((a) => ({ id: a.id, registration_name: a.registration_name, status: a.status })),
      workspace_ids: [...new Set(by.flatMap((a) => a.workspace_ids))],
    };
  });

  const running: Execution[] = agents
    .filter(() => rand() < 0.02)
    .map((a, i) => execution(`exe_${i}`, a, pick(tools), 'dispatched', at));
  const pending: Approval[] = Array.from({ length: Math.floor(toolCount / 100) }, (_, i) => {
    const t = pick(tools);
    return {
      id: `apr_${i}`,
      execution_id: `exe_p${i}`,
      workspace_id: t.workspace_ids[0] ?? wsIds[0]!,
      tool: t.name,
      args: {},
      risk: t.risk,
      status: 'pending',
      decision: null,
      stage_index: 0,
      stage_count: 1,
      required_approvals: 1,
      approvals_so_far: 0,
      approvers: ['role:owner'],
      self_approval: 'allowed',
      on_timeout: 'reject',
      policy_version: 1,
      action_hash: '',
      requested_by: { user_id: null, key_id: null, source: 'api' },
      stage_deadline_at: at,
      created_at: at,
      decided_at: null,
      decided_by: null,
      note: null,
      reason: null,
      votes: [],
    } satisfies Approval;
  });
  return { workspaces, agents, tools, running, pending };
}

function execution(id: string, a: Agent, t: Tool, status: 'dispatched', at: string): Execution {
  return {
    id,
    workspace_id: a.workspace_ids[0]!,
    tool: t.name,
    args: {},
    risk: t.risk,
    idempotent: true,
    source: 'api',
    status,
    attempt: 1,
    max_attempts: 1,
    agent_id: a.id,
    exit_code: null,
    error: null,
    timeout_ms: t.timeout_ms,
    created_by: { user_id: null, key_id: null },
    approval_id: null,
    chat_id: null,
    created_at: at,
    dispatched_at: at,
    finished_at: null,
    duration_ms: null,
  };
}
