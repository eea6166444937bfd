import type { Agent, Approval, DiscoveryCandidate, Execution, Tool, Workspace } from '@xem/protocol';

/**
 * The Graph tab's model, built from the API's rows: pure TypeScript (no DOM, no renderer), so the
 * page, the e2e assertions (via the accessible summary) and the benchmark all read the same thing.
 */
export type NodeKind = 'workspace' | 'agent' | 'tool' | 'component';

export interface GraphNode {
  /**
   * Workspace id (`ws_…`), agent id (`agt_…`), `tool:<name>` or an accepted discovered component's
   * id (`disc_…`); also the `?focus=` value.
   */
  id: string;
  kind: NodeKind;
  label: string;
  /** Tools: their risk. Agents: their health. Workspaces: `active` or `paused`. Components: their kind. */
  state: string;
  /** Executions running now (dispatched) on this agent, of this tool, in this workspace. */
  running: number;
  /** Pending approvals of this tool, in this workspace (approvals have no agent yet). */
  pending: number;
  /** Short facts for the tooltip. */
  facts: string[];
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** `binding`: workspace—agent. `offer`: agent—tool. `hosts`: agent—component it discovered. */
  kind: 'binding' | 'offer' | 'hosts';
  /** A binding whose dispatch is paused for that agent. */
  paused: boolean;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  counts: {
    workspaces: number;
    agents: number;
    tools: number;
    components: number;
    running: number;
    pending: number;
  };
}

export interface GraphSource {
  workspaces: readonly Workspace[];
  agents: readonly Agent[];
  tools: readonly Tool[];
  /** Executions with status `dispatched`. */
  running: readonly Execution[];
  /** Approvals with status `pending`. */
  pending: readonly Approval[];
  /** Discovered components an owner accepted (status `accepted`); each hangs off its agent. */
  components?: readonly DiscoveryCandidate[];
}

export const toolNodeId = (name: string): string => `tool:${name}`;

function tally(keys: Iterable<string | null>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

export function buildGraphModel(src: GraphSource): GraphModel {
  const runByAgent = tally(src.running.map((e) => e.agent_id));
  const runByTool = tally(src.running.map((e) => e.tool));
  const runByWs = tally(src.running.map((e) => e.workspace_id));
  const pendByTool = tally(src.pending.map((a) => a.tool));
  const pendByWs = tally(src.pending.map((a) => a.workspace_id));

  const nodes: GraphNode[] = [];
  const ids = new Set<string>();
  const add = (n: GraphNode) => {
    if (ids.has(n.id)) return;
    ids.add(n.id);
    nodes.push(n);
  };

  for (const w of src.workspaces) {
    add({
      id: w.id,
      kind: 'workspace',
      label: w.name,
      state: w.paused ? 'paused' : 'active',
      running: runByWs.get(w.id) ?? 0,
      pending: pendByWs.get(w.id) ?? 0,
      facts: [
        `type ${w.type}${w.is_default ? ', default' : ''}`,
        plural(w.agent_ids.length, 'agent'),
        ...(w.paused ? [`paused${w.pause_reason ? `: ${w.pause_reason}` : ''}`] : []),
      ],
    });
  }
  for (const a of src.agents) {
    add({
      id: a.id,
      kind: 'agent',
      label: a.registration_name,
      state: a.status,
      running: runByAgent.get(a.id) ?? 0,
      pending: 0,
      facts: [
        `${a.hostname} · ${a.region}`,
        `${plural(a.tool_count, 'tool')}, ${a.in_flight}/${a.max_concurrency} in flight`,
        ...(a.status_reason ? [a.status_reason] : []),
      ],
    });
  }
  for (const t of src.tools) {
    add({
      id: toolNodeId(t.name),
      kind: 'tool',
      label: t.name,
      state: t.risk,
      running: runByTool.get(t.name) ?? 0,
      pending: pendByTool.get(t.name) ?? 0,
      facts: [`${t.domain} · ${t.risk}`, plural(t.agents.length, 'agent')],
    });
  }

  const components = src.components ?? [];
  for (const c of components) {
    add({
      id: c.id,
      kind: 'component',
      label: c.name,
      state: c.kind,
      running: 0,
      pending: 0,
      facts: [`${c.kind}${c.address ? ` · ${c.address}` : ''}`, `last seen ${c.last_seen_at}`],
    });
  }

  const edges: GraphEdge[] = [];
  const edgeIds = new Set<string>();
  const link = (source: string, target: string, kind: GraphEdge['kind'], paused: boolean) => {
    const id = `${source}->${target}`;
    if (edgeIds.has(id) || !ids.has(source) || !ids.has(target)) return;
    edgeIds.add(id);
    edges.push({ id, source, target, kind, paused });
  };
  for (const a of src.agents) {
    const paused = new Set(a.paused_workspace_ids);
    for (const ws of a.workspace_ids) link(ws, a.id, 'binding', paused.has(ws));
  }
  for (const w of src.workspaces) for (const agentId of w.agent_ids) link(w.id, agentId, 'binding', false);
  for (const t of src.tools) for (const a of t.agents) link(a.id, toolNodeId(t.name), 'offer', false);
  for (const c of components) link(c.agent_id, c.id, 'hosts', false);

  return {
    nodes,
    edges,
    counts: {
      workspaces: src.workspaces.length,
      agents: src.agents.length,
      tools: src.tools.length,
      components: components.length,
      running: src.running.length,
      pending: src.pending.length,
    },
  };
}

/**
 * What a node reaches: for an agent, the workspaces it serves and the tools it offers ("what can
 * this agent touch"); for a workspace or a tool, its agents. The node itself is included.
 */
export function neighbourhood(model: GraphModel, nodeId: string): Set<string> {
  const out = new Set<string>([nodeId]);
  for (const e of model.edges) {
    if (e.source === nodeId) out.add(e.target);
    if (e.target === nodeId) out.add(e.source);
  }
  return out;
}

/**
 * Where clicking a node goes: the agent's workspaces, the workspace, the tool's operations, or
 * the Discovery section for a component.
 */
export function nodeHref(n: Pick<GraphNode, 'id' | 'kind' | 'label'>): string {
  if (n.kind === 'component') return `/agents/discovery?focus=${encodeURIComponent(n.id)}`;
  if (n.kind === 'agent') return `/agents/${encodeURIComponent(n.id)}/workspaces`;
  if (n.kind === 'workspace') return `/workspaces/${encodeURIComponent(n.id)}`;
  return `/operations?tool=${encodeURIComponent(n.label)}`;
}
