import Graph from 'graphology';
import { useEffect, useRef, useState } from 'react';
import Sigma from 'sigma';
import type { NodeDisplayData } from 'sigma/types';
import { Fa2Layout } from './fa2-layout';
import { GraphBadges } from './graph-badges';
import { readPalette, type GraphPalette } from './graph-colors';
import { neighbourhood, type GraphModel, type GraphNode } from './graph-model';
import { GraphTooltip, type Hover } from './graph-tooltip';
import { syncGraph, type NodeAttrs } from './sync-graph';

interface Props {
  model: GraphModel;
  focus: string | undefined;
  onOpen: (node: GraphNode) => void;
}

interface Live {
  graph: Graph;
  sigma: Sigma;
  layout: Fa2Layout;
  badges: GraphBadges;
  palette: GraphPalette;
  focusSet: Set<string> | null;
}

/** How long the layout settles: longer for bigger graphs, short after a live update. */
const settleMs = (order: number) => Math.min(12_000, 2_500 + order * 1.5);

/**
 * The force-directed view: sigma (WebGL) draws a graphology graph that `syncGraph` keeps equal to
 * the model in place, while ForceAtlas2 runs in a worker. Hover shows a tooltip, click opens the
 * object, the focus dims everything the focused node does not reach.
 */
export function GraphCanvas({ model, focus, onOpen }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const badgeLayer = useRef<HTMLDivElement>(null);
  const live = useRef<Live | null>(null);
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  const [hover, setHover] = useState<Hover | null>(null);
  const [layoutRunning, setLayoutRunning] = useState(false);

  useEffect(() => {
    const container = box.current;
    const layer = badgeLayer.current;
    if (!container || !layer) return;
    const graph = new Graph({ type: 'undirected', multi: false });
    const palette = readPalette();
    const sigma = new Sigma(graph, container, {
      settings: {
        gestureTarget: 'graph',
        itemSizesReference: 'screen',
        renderEdgeLabels: false,
        labelRenderedSizeThreshold: 4,
        hideEdgesOnMove: graph.size > 20_000,
        minCameraRatio: 0.02,
        maxCameraRatio: 20,
        allowInvalidContainer: true,
      },
      nodeReducer: (key, data, attrs) => {
        const a = attrs as unknown as NodeAttrs;
        const s = live.current;
        const dimmed = !!s?.focusSet && !s.focusSet.has(key);
        // Agents get a ring, so an online agent and a read tool (both green) stay apart.
        const ring: Partial<NodeDisplayData> =
          a.kind === 'agent' && !dimmed && s
            ? {
                backdropVisibility: 'visible',
                backdropColor: s.palette.label,
                backdropPadding: 2.5,
                backdropShadowBlur: 0,
                backdropArea: 'node',
              }
            : {};
        if (dimmed) return { ...data, color: s!.palette.dim, label: '', zIndex: 0 };
        return {
          ...data,
          ...ring,
          color: a.color,
          label: a.label,
          ...(s?.focusSet ? { highlighted: true, zIndex: 2 } : {}),
        };
      },
      edgeReducer: (_key, data, attrs) => {
        const s = live.current;
        if (!s?.focusSet) return data;
        const ends = graph.extremities(_key);
        const inside = s.focusSet.has(ends[0]) && s.focusSet.has(ends[1]);
        return inside
          ? { ...data, size: ((attrs as { size?: number }).size ?? 1) * 2, zIndex: 1 }
          : { ...data, color: s.palette.dim };
      },
    });
    const badges = new GraphBadges(layer, sigma, graph);
    const layout = new Fa2Layout(graph);
    live.current = { graph, sigma, layout, badges, palette, focusSet: null };
    sigma.on('afterRender', () => badges.place());
    sigma.on('enterNode', ({ node, event }) => {
      const a = graph.getNodeAttributes(node) as NodeAttrs;
      setHover({
        id: node,
        attrs: a,
        x: event.x,
        y: event.y,
        width: container.clientWidth,
        height: container.clientHeight,
      });
    });
    sigma.on('leaveNode', () => setHover(null));
    sigma.on('clickNode', ({ node }) => {
      const a = graph.getNodeAttributes(node) as NodeAttrs;
      openRef.current({
        id: node,
        kind: a.kind,
        label: a.label,
        state: a.state,
        running: a.running,
        pending: a.pending,
        facts: a.facts,
      });
    });
    const timer = setInterval(() => setLayoutRunning(layout.isRunning()), 500);
    // The theme toggle and the system scheme both change the CSS variables the colours come from.
    const retheme = () => {
      if (!live.current) return;
      live.current.palette = readPalette();
      graph.updateEachNodeAttributes((_id, a) => ({
        ...a,
        color: live.current!.palette.node(a.kind, a.state),
      }));
      graph.updateEachEdgeAttributes((_id, a) => ({
        ...a,
        color: a.paused ? live.current!.palette.edgePaused : live.current!.palette.edge,
      }));
    };
    const mo = new MutationObserver(retheme);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', retheme);
    return () => {
      clearInterval(timer);
      mo.disconnect();
      mq.removeEventListener('change', retheme);
      layout.kill();
      badges.kill();
      sigma.kill();
      live.current = null;
    };
  }, []);

  // Data: update the graph in place; only a structural change wakes the layout, never a reset.
  useEffect(() => {
    const s = live.current;
    if (!s) return;
    const first = s.graph.order === 0;
    const changed = syncGraph(s.graph, model, s.palette);
    if (changed) {
      s.layout.invalidate();
      s.layout.run(first ? settleMs(s.graph.order) : 1_500);
      setLayoutRunning(true);
    }
    s.focusSet = focus && s.graph.hasNode(focus) ? neighbourhood(model, focus) : null;
    s.badges.sync((id) => !!s.focusSet && !s.focusSet.has(id));
    s.sigma.refresh();
  }, [model, focus]);

  const zoom = (how: 'in' | 'out' | 'reset') => {
    const camera = live.current?.sigma.getCamera();
    if (!camera) return;
    void (how === 'in'
      ? camera.zoomIn({ duration: 200 })
      : how === 'out'
        ? camera.zoomOut({ duration: 200 })
        : camera.reset({ duration: 300 }));
  };

  return (
    <div className="graph-stage" data-layout={layoutRunning ? 'running' : 'idle'}>
      <div
        ref={box}
        className="graph-canvas"
        data-testid="graph-canvas"
        data-nodes={model.nodes.length}
        data-edges={model.edges.length}
        data-focus={focus ?? ''}
        role="img"
        aria-label={`Graph of ${model.counts.workspaces} workspaces, ${model.counts.agents} agents and ${model.counts.tools} tools; use the node list to focus or open one`}
      />
      <div ref={badgeLayer} className="graph-badges" />
      {hover && <GraphTooltip hover={hover} />}
      <div className="graph-zoom" role="group" aria-label="Zoom">
        <button type="button" className="btn small" onClick={() => zoom('in')} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="btn small" onClick={() => zoom('out')} aria-label="Zoom out">
          −
        </button>
        <button type="button" className="btn small" onClick={() => zoom('reset')}>
          Fit
        </button>
      </div>
    </div>
  );
}
