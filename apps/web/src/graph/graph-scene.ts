import type { Scene, SceneEdge, SceneNode } from './canvas-view';
import { RADIUS } from './force-layout';
import type { GraphPalette } from './graph-colors';
import type { GraphModel } from './graph-model';

/** What the canvas draws for a model, a palette and the focused node's reach (null: no focus). */
export function buildScene(model: GraphModel, palette: GraphPalette, reach: Set<string> | null): Scene {
  const many = model.nodes.length > 300;
  const nodes: SceneNode[] = model.nodes.map((n) => {
    const dim = !!reach && !reach.has(n.id);
    const busy = n.running + n.pending;
    return {
      id: n.id,
      r: RADIUS[n.kind] + (busy > 0 ? Math.min(5, 1 + Math.log2(busy + 1) * 1.5) : 0),
      color: dim ? palette.dim : palette.node(n.kind, n.state),
      label: n.label,
      ring: n.kind === 'agent',
      dim,
      important:
        !dim && (n.kind === 'workspace' || (!many && n.kind === 'agent') || (!!reach && reach.has(n.id))),
    };
  });
  const edges: SceneEdge[] = model.edges.map((e) => {
    const inside = !!reach && reach.has(e.source) && reach.has(e.target);
    const dim = !!reach && !inside;
    return {
      a: e.source,
      b: e.target,
      color: dim ? palette.dim : e.paused ? palette.edgePaused : inside ? palette.focusEdge : palette.edge,
      width: inside ? 2 : e.kind === 'binding' ? 1.4 : 0.8,
    };
  });
  return { nodes, edges, labelColor: palette.label, ringColor: palette.label };
}
