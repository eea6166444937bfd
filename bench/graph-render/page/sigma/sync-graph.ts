import type Graph from 'graphology';
import type { GraphPalette } from '../../../../apps/web/src/graph/graph-colors';
import type { GraphModel, GraphNode, NodeKind } from '../../../../apps/web/src/graph/graph-model';

/** Attributes of a node in the graphology graph sigma draws. */
export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  kind: NodeKind;
  state: string;
  running: number;
  pending: number;
  facts: string[];
}
export interface EdgeAttrs {
  size: number;
  color: string;
  paused: boolean;
}

const BASE_SIZE: Record<NodeKind, number> = { workspace: 14, agent: 9, tool: 5, component: 6 };

function sizeOf(n: GraphNode): number {
  const busy = n.running + n.pending;
  return BASE_SIZE[n.kind] + (busy > 0 ? Math.min(6, 2 + Math.log2(busy + 1) * 2) : 0);
}

/** A starting point for a new node: near a placed neighbour, else on a ring around the graph. */
function placeNew(
  graph: Graph,
  adj: Map<string, string[]>,
  n: GraphNode,
  index: number,
): { x: number; y: number } {
  const jitter = () => (Math.random() - 0.5) * 4;
  for (const other of adj.get(n.id) ?? []) {
    if (graph.hasNode(other)) {
      const a = graph.getNodeAttributes(other) as NodeAttrs;
      return { x: a.x + jitter(), y: a.y + jitter() };
    }
  }
  const r = 10 + Math.sqrt(graph.order + index) * 3;
  const t = index * 2.399963; // golden angle: new nodes spread out rather than stacking
  return { x: Math.cos(t) * r, y: Math.sin(t) * r };
}

/**
 * Makes `graph` match `model` in place: updates attributes of nodes that stay (their positions
 * untouched), adds new nodes next to a neighbour, drops nodes and edges that are gone. Returns
 * whether the structure changed (the layout then needs a short run).
 */
export function syncGraph(graph: Graph, model: GraphModel, palette: GraphPalette): boolean {
  let changed = false;
  const adj = new Map<string, string[]>();
  for (const e of model.edges) {
    for (const [a, b] of [
      [e.source, e.target],
      [e.target, e.source],
    ] as const) {
      const list = adj.get(a);
      if (list) list.push(b);
      else adj.set(a, [b]);
    }
  }
  const keep = new Set(model.nodes.map((n) => n.id));
  for (const id of graph.nodes()) {
    if (!keep.has(id)) {
      graph.dropNode(id);
      changed = true;
    }
  }
  // Workspaces first, then agents, then tools: each new node finds a placed neighbour.
  const order: NodeKind[] = ['workspace', 'agent', 'tool'];
  const sorted = [...model.nodes].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  sorted.forEach((n, i) => {
    const attrs = {
      size: sizeOf(n),
      color: palette.node(n.kind, n.state),
      label: n.label,
      kind: n.kind,
      state: n.state,
      running: n.running,
      pending: n.pending,
      facts: n.facts,
    };
    if (graph.hasNode(n.id)) graph.mergeNodeAttributes(n.id, attrs);
    else {
      graph.addNode(n.id, { ...placeNew(graph, adj, n, i), ...attrs });
      changed = true;
    }
  });
  const keepEdges = new Set(model.edges.map((e) => e.id));
  for (const id of graph.edges()) {
    if (!keepEdges.has(id)) {
      graph.dropEdge(id);
      changed = true;
    }
  }
  for (const e of model.edges) {
    const attrs: EdgeAttrs = {
      size: e.kind === 'binding' ? 1.5 : 0.8,
      color: e.paused ? palette.edgePaused : palette.edge,
      paused: e.paused,
    };
    if (graph.hasEdge(e.id)) graph.mergeEdgeAttributes(e.id, attrs);
    else {
      graph.addEdgeWithKey(e.id, e.source, e.target, attrs);
      changed = true;
    }
  }
  return changed;
}
