import { useEffect, useRef, useState } from 'react';
import { CanvasView } from './canvas-view';
import { ForceLayout } from './force-layout';
import { GraphBadges } from './graph-badges';
import { readPalette, type GraphPalette } from './graph-colors';
import { neighbourhood, type GraphModel, type GraphNode } from './graph-model';
import { buildScene } from './graph-scene';
import { GraphTooltip, type Hover } from './graph-tooltip';

interface Props {
  model: GraphModel;
  focus: string | undefined;
  onOpen: (node: GraphNode) => void;
}

interface Live {
  layout: ForceLayout;
  view: CanvasView;
  badges: GraphBadges;
  palette: GraphPalette;
}

/**
 * The force-directed view: d3-force lays the graph out in a worker, a 2D canvas draws it (the
 * choice and its measurements: docs/decisions/0004-graph-library.md). Each data refresh is applied
 * in place: known nodes keep their positions. Hover shows a tooltip, click opens the object, the
 * focus dims everything the focused node does not reach.
 */
export function GraphCanvas({ model, focus, onOpen }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const badgeLayer = useRef<HTMLDivElement>(null);
  const live = useRef<Live | null>(null);
  const latest = useRef({ model, focus, onOpen });
  latest.current = { model, focus, onOpen };
  const [hover, setHover] = useState<Hover | null>(null);
  const [layoutRunning, setLayoutRunning] = useState(false);

  const redraw = () => {
    const s = live.current;
    if (!s) return;
    const { model: m, focus: f } = latest.current;
    const reach = f && m.nodes.some((n) => n.id === f) ? neighbourhood(m, f) : null;
    s.view.setScene(buildScene(m, s.palette, reach));
    s.badges.sync(m.nodes, (id) => !!reach && !reach.has(id));
  };

  useEffect(() => {
    const canvas = canvasRef.current;
    const layer = badgeLayer.current;
    if (!canvas || !layer) return;
    const nodeOf = (id: string) => latest.current.model.nodes.find((n) => n.id === id);
    const layout = new ForceLayout(() => {
      live.current?.view.request();
      setLayoutRunning(layout.running);
    });
    const view = new CanvasView(canvas, layout.pos, {
      onHover: (id, at) => {
        const node = id ? nodeOf(id) : undefined;
        setHover(
          node ? { node, x: at.x, y: at.y, width: canvas.clientWidth, height: canvas.clientHeight } : null,
        );
      },
      onClick: (id) => {
        const node = nodeOf(id);
        if (node) latest.current.onOpen(node);
      },
      onDraw: () => live.current?.badges.place(),
    });
    const badges = new GraphBadges(layer, (id) => {
      const p = layout.pos.get(id);
      return p ? view.toScreen(p) : null;
    });
    live.current = { layout, view, badges, palette: readPalette() };
    // The theme toggle and the system scheme both change the CSS variables the colours come from.
    const retheme = () => {
      if (!live.current) return;
      live.current.palette = readPalette();
      redraw();
    };
    const mo = new MutationObserver(retheme);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', retheme);
    return () => {
      mo.disconnect();
      mq.removeEventListener('change', retheme);
      layout.kill();
      view.kill();
      badges.kill();
      live.current = null;
    };
  }, []);

  // Data or focus: redraw, and let the layout place what is new (an unchanged shape is a no-op).
  useEffect(() => {
    live.current?.layout.update(model);
    redraw();
  }, [model, focus]);

  const zoom = (how: 'in' | 'out' | 'fit') => {
    const view = live.current?.view;
    if (how === 'fit') view?.fit();
    else view?.zoomBy(how === 'in' ? 1.4 : 1 / 1.4);
  };

  return (
    <div className="graph-stage" data-layout={layoutRunning ? 'running' : 'idle'}>
      <canvas
        ref={canvasRef}
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
        <button type="button" className="btn small" onClick={() => zoom('fit')}>
          Fit
        </button>
      </div>
    </div>
  );
}
