import type Graph from 'graphology';
import type { ForceAtlas2Settings } from 'graphology-layout-forceatlas2';
import { inferSettings } from 'graphology-layout-forceatlas2';
import defaults from 'graphology-layout-forceatlas2/defaults.js';
import { assignLayoutChanges, graphToByteArrays } from 'graphology-layout-forceatlas2/helpers.js';

export interface LayoutRequest {
  settings: Required<ForceAtlas2Settings>;
  nodes: ArrayBuffer;
  /** Sent with the first request after the graph's structure changed. */
  edges?: ArrayBuffer;
  iterations: number;
}
export interface LayoutReply {
  nodes: ArrayBuffer;
}

/**
 * Runs ForceAtlas2 in a worker for a while and writes positions back into the graphology graph
 * (which sigma renders). `run()` after an in-place change keeps every existing position and
 * only settles the new nodes and their neighbours: the layout is never reset.
 */
export class Fa2Layout {
  private worker: Worker | null = null;
  private matrix: Float32Array | null = null;
  private edges: Float32Array | null = null;
  private busy = false;
  private until = 0;
  private stale = true;

  constructor(private readonly graph: Graph) {}

  /** Runs the layout for `ms` milliseconds from now (extends a run in progress). */
  run(ms: number): void {
    this.until = Math.max(this.until, performance.now() + ms);
    if (!this.busy) this.step();
  }

  /** The graph gained or lost nodes or edges: the next step re-reads it. */
  invalidate(): void {
    this.stale = true;
  }

  isRunning(): boolean {
    return this.busy;
  }

  kill(): void {
    this.worker?.terminate();
    this.worker = null;
    this.until = 0;
  }

  private step(): void {
    if (performance.now() > this.until || this.graph.order === 0) {
      this.busy = false;
      return;
    }
    this.worker ??= this.spawn();
    this.busy = true;
    let edges: ArrayBuffer | undefined;
    if (this.stale || !this.matrix) {
      const m = graphToByteArrays(this.graph, () => 1);
      this.matrix = m.nodes;
      this.edges = m.edges;
      this.stale = false;
      edges = this.edges.slice().buffer;
    }
    const nodes = this.matrix.buffer as ArrayBuffer;
    const settings = {
      ...defaults,
      ...inferSettings(this.graph.order),
      barnesHutOptimize: this.graph.order > 500,
    };
    const req: LayoutRequest = { settings, nodes, iterations: this.graph.order > 2000 ? 1 : 3 };
    if (edges) req.edges = edges;
    this.worker.postMessage(req, edges ? [nodes, edges] : [nodes]);
    this.matrix = null;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./layout.worker.ts', import.meta.url), {
      type: 'module',
      name: 'graph-layout',
    });
    w.addEventListener('message', (e: MessageEvent<LayoutReply>) => {
      const m = new Float32Array(e.data.nodes);
      // A structural change while the worker ran: its matrix no longer lines up with the graph.
      if (!this.stale) assignLayoutChanges(this.graph, m, null);
      this.matrix = m;
      this.step();
    });
    return w;
  }
}
