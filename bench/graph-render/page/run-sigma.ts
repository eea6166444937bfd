import Graph from 'graphology';
import Sigma from 'sigma';
import { Fa2Layout } from './sigma/fa2-layout';
import { readPalette } from '../../../apps/web/src/graph/graph-colors';
import type { GraphModel } from '../../../apps/web/src/graph/graph-model';
import { syncGraph } from './sigma/sync-graph';
import { meterFrames, painted } from './frame-meter';
import type { RunResult } from './run-result';

/**
 * The candidate the Graph tab did not take: sigma 4 (WebGL) with ForceAtlas2 in a worker bundled
 * from 'self' (the package's own worker is a blob: URL the CSP refuses), as first built for the tab.
 */
export async function runSigma(model: GraphModel, stage: HTMLElement, phaseMs: number): Promise<RunResult> {
  const t0 = performance.now();
  const graph = new Graph({ type: 'undirected', multi: false });
  syncGraph(graph, model, readPalette());
  let renders = 0;
  const sigma = new Sigma(graph, stage, {
    settings: {
      gestureTarget: 'graph',
      itemSizesReference: 'screen',
      labelRenderedSizeThreshold: 4,
      renderEdgeLabels: false,
    },
  });
  sigma.on('afterRender', () => renders++);
  await painted();
  const firstFrameMs = performance.now() - t0;

  const layout = new Fa2Layout(graph);
  layout.run(phaseMs + 60_000);
  renders = 0;
  const during = await meterFrames(phaseMs, () => {});
  const layoutRenders = (renders * 1000) / phaseMs;
  layout.kill();

  const camera = sigma.getCamera();
  renders = 0;
  const pan = await meterFrames(phaseMs, (t) =>
    camera.setState({ x: 0.5 + 0.2 * Math.sin(t / 300), y: 0.5 }),
  );
  const panRenders = (renders * 1000) / phaseMs;
  sigma.kill();
  return {
    firstFrameMs,
    layoutFps: during.fps,
    layoutRendersPerS: layoutRenders,
    layoutLongestFrameMs: during.longestMs,
    panFps: pan.fps,
    panRendersPerS: panRenders,
    panLongestFrameMs: pan.longestMs,
  };
}
