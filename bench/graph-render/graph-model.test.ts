import { describe, expect, it } from 'vitest';
import { buildGraphModel, neighbourhood, nodeHref, toolNodeId } from '../../apps/web/src/graph/graph-model';
import { generateFleet } from './generate-fleet';

describe('graph model (the Graph tab builder) over generated fleets', () => {
  it('generates about the asked number of nodes, deterministically per seed', () => {
    for (const n of [10, 1000, 10_000]) {
      const model = buildGraphModel(generateFleet(n, 7));
      expect(model.nodes.length).toBe(n);
    }
    expect(generateFleet(500, 3)).toEqual(generateFleet(500, 3));
    expect(generateFleet(500, 3)).not.toEqual(generateFleet(500, 4));
  });

  it('links workspaces to their agents and agents to the tools they offer, once each', () => {
    const src = generateFleet(1000, 1);
    const model = buildGraphModel(src);
    const ids = new Set(model.edges.map((e) => e.id));
    expect(ids.size).toBe(model.edges.length);
    const bindings = new Set(src.agents.flatMap((a) => a.workspace_ids.map((w) => `${w}->${a.id}`)));
    const offers = new Set(src.tools.flatMap((t) => t.agents.map((a) => `${a.id}->${toolNodeId(t.name)}`)));
    expect(
      model.edges
        .filter((e) => e.kind === 'binding')
        .map((e) => e.id)
        .sort(),
    ).toEqual([...bindings].sort());
    expect(
      model.edges
        .filter((e) => e.kind === 'offer')
        .map((e) => e.id)
        .sort(),
    ).toEqual([...offers].sort());
  });

  it('colours by risk and health, and counts running executions and pending approvals on their nodes', () => {
    const src = generateFleet(1000, 2);
    const model = buildGraphModel(src);
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    for (const t of src.tools) expect(byId.get(toolNodeId(t.name))!.state).toBe(t.risk);
    for (const a of src.agents) expect(byId.get(a.id)!.state).toBe(a.status);
    const running = model.nodes.filter((n) => n.kind === 'agent').reduce((s, n) => s + n.running, 0);
    expect(running).toBe(src.running.length);
    const pending = model.nodes.filter((n) => n.kind === 'tool').reduce((s, n) => s + n.pending, 0);
    expect(pending).toBe(src.pending.length);
    expect(model.counts).toMatchObject({ running: src.running.length, pending: src.pending.length });
  });

  it("an agent's neighbourhood is its workspaces and its tools", () => {
    const src = generateFleet(200, 5);
    const model = buildGraphModel(src);
    const agent = src.agents[0]!;
    const offered = src.tools
      .filter((t) => t.agents.some((a) => a.id === agent.id))
      .map((t) => toolNodeId(t.name));
    expect([...neighbourhood(model, agent.id)].sort()).toEqual(
      [agent.id, ...agent.workspace_ids, ...offered].sort(),
    );
  });

  it('drops edges to nodes it does not know, and opens each kind of node at its page', () => {
    const model = buildGraphModel({
      workspaces: [],
      agents: [{ ...generateFleet(10).agents[0]!, workspace_ids: ['ws_gone'] }],
      tools: [],
      running: [],
      pending: [],
    });
    expect(model.edges).toEqual([]);
    expect(nodeHref({ id: 'agt_1', kind: 'agent', label: 'a' })).toBe('/agents/agt_1/workspaces');
    expect(nodeHref({ id: 'ws_1', kind: 'workspace', label: 'w' })).toBe('/workspaces/ws_1');
    expect(nodeHref({ id: 'tool:file_delete', kind: 'tool', label: 'file_delete' })).toBe(
      '/operations?tool=file_delete',
    );
  });

  it('hangs accepted discovered components off the agent that reported them', () => {
    const agent = generateFleet(10).agents[0]!;
    const component = {
      id: 'disc_1',
      agent_id: agent.id,
      kind: 'tcp_listener',
      name: 'postgres',
      address: '127.0.0.1:5432',
      attributes: { port: 5432 },
      status: 'accepted' as const,
      first_seen_at: '2026-01-01T00:00:00.000Z',
      last_seen_at: '2026-01-01T00:00:00.000Z',
      decided_by: 'usr_1',
      decided_at: '2026-01-01T00:00:00.000Z',
      reason: null,
    };
    const model = buildGraphModel({
      workspaces: [],
      agents: [{ ...agent, workspace_ids: [] }],
      tools: [],
      running: [],
      pending: [],
      components: [component, { ...component, id: 'disc_2', agent_id: 'agt_gone' }],
    });
    expect(model.nodes.find((n) => n.id === 'disc_1')).toMatchObject({
      kind: 'component',
      label: 'postgres',
      state: 'tcp_listener',
    });
    expect(model.edges.map((e) => [e.id, e.kind])).toEqual([[`${agent.id}->disc_1`, 'hosts']]);
    expect(model.counts.components).toBe(2);
    expect([...neighbourhood(model, agent.id)].sort()).toEqual([agent.id, 'disc_1'].sort());
    expect(nodeHref({ id: 'disc_1', kind: 'component', label: 'postgres' })).toBe(
      '/agents/discovery?focus=disc_1',
    );
  });
});
