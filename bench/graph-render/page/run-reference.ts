import { forceCenter, forceLink, forceManyBody, forceSimulation, type SimulationNodeDatum } from 'd3-force';
import { readPalette } from '../../../apps/web/src/graph/graph-colors';
import type { GraphModel, NodeKind } from '../../../apps/web/src/graph/graph-model';
import { meterFrames, painted } from './frame-meter';
import type { RunResult } from './run-result';

interface Node extends SimulationNodeDatum {
  id: string;
  r: number;
  color: string;
}

const R: Record<NodeKind, number> = { workspace: 8, agent: 5, tool: 3, component: 3.5 };

/** The plain reference: d3-force stepped once a frame on the main thread, circles and lines on a 2D canvas. */
export async function runReference(
  model: GraphModel,
  stage: HTMLElement,
  phaseMs: number,
): Promise<RunResult> {
  const t0 = performance.now();
  const palette = readPalette();
  const canvas = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = stage.clientWidth * dpr;
  canvas.height = stage.clientHeight * dpr;
  canvas.style.width = `${stage.clientWidth}px`;
  canvas.style.height = `${stage.clientHeight}px`;
  stage.appendChild(canvas);
  const ctx = canvas.getContext('2d')!;
  const nodes: Node[] = model.nodes.map((n) => ({
    id: n.id,
    r: R[n.kind],
    color: palette.node(n.kind, n.state),
  }));
  const links = model.edges.map((e) => ({ source: e.source, target: e.target }));
  const sim = forceSimulation(nodes)
    .force(
      'link',
      forceLink<Node, { source: string | Node; target: string | Node }>(links)
        .id((n) => n.id)
        .distance(20),
    )
    .force('charge', forceManyBody().strength(-15))
    .force('center', forceCenter(0, 0))
    .stop();
  let pan = 0;
  const draw = () => {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, stage.clientWidth, stage.clientHeight);
    ctx.translate(stage.clientWidth / 2 + pan, stage.clientHeight / 2);
    ctx.scale(0.5, 0.5);
    ctx.strokeStyle = palette.edge;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const l of links as unknown as { source: Node; target: Node }[]) {
      ctx.moveTo(l.source.x!, l.source.y!);
      ctx.lineTo(l.target.x!, l.target.y!);
    }
    ctx.stroke();
    for (const n of nodes) {
      ctx.fillStyle = n.color;
      ctx.beginPath();
      ctx.arc(n.x!, n.y!, n.r, 0, Math.PI * 2);
      ctx.fill();
    }
  };
  draw();
  await painted();
  const firstFrameMs = performance.now() - t0;
  let draws = 0;
  const during = await meterFrames(phaseMs, () => {
    sim.tick();
    draw();
    draws++;
  });
  const layoutRenders = (draws * 1000) / phaseMs;
  draws = 0;
  const panned = await meterFrames(phaseMs, (t) => {
    pan = 200 * Math.sin(t / 300);
    draw();
    draws++;
  });
  canvas.remove();
  return {
    firstFrameMs,
    layoutFps: during.fps,
    layoutRendersPerS: layoutRenders,
    layoutLongestFrameMs: during.longestMs,
    panFps: panned.fps,
    panRendersPerS: (draws * 1000) / phaseMs,
    panLongestFrameMs: panned.longestMs,
  };
}
