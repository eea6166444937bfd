import { CanvasView } from '../../../apps/web/src/graph/canvas-view';
import { ForceLayout } from '../../../apps/web/src/graph/force-layout';
import { readPalette } from '../../../apps/web/src/graph/graph-colors';
import type { GraphModel } from '../../../apps/web/src/graph/graph-model';
import { buildScene } from '../../../apps/web/src/graph/graph-scene';
import { meterFrames, painted } from './frame-meter';
import type { RunResult } from './run-result';

/** The Graph tab's renderer: its d3-force worker, scene and canvas view, as graph-canvas.tsx wires them. */
export async function runCanvas(model: GraphModel, stage: HTMLElement, phaseMs: number): Promise<RunResult> {
  const t0 = performance.now();
  const canvas = document.createElement('canvas');
  canvas.className = 'fill';
  stage.appendChild(canvas);
  let draws = 0;
  let view: CanvasView | null = null;
  const layout = new ForceLayout(() => view?.request());
  view = new CanvasView(canvas, layout.pos, { onHover: () => {}, onClick: () => {}, onDraw: () => draws++ });
  layout.update(model);
  view.setScene(buildScene(model, readPalette(), null));
  await painted();
  const firstFrameMs = performance.now() - t0;

  draws = 0;
  const during = await meterFrames(phaseMs, () => {});
  const layoutRenders = (draws * 1000) / phaseMs;
  layout.kill();

  draws = 0;
  // A drag through the view's own pointer handlers, a few pixels each frame.
  canvas.dispatchEvent(new PointerEvent('pointerdown', { clientX: 600, clientY: 400 }));
  const pan = await meterFrames(phaseMs, (t) => {
    canvas.dispatchEvent(
      new PointerEvent('pointermove', { clientX: 600 + 200 * Math.sin(t / 300), clientY: 400 }),
    );
  });
  view.kill();
  canvas.remove();
  return {
    firstFrameMs,
    layoutFps: during.fps,
    layoutRendersPerS: layoutRenders,
    layoutLongestFrameMs: during.longestMs,
    panFps: pan.fps,
    panRendersPerS: (draws * 1000) / phaseMs,
    panLongestFrameMs: pan.longestMs,
  };
}
