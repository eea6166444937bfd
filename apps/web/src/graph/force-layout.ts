import type { Positions, SetGraph } from './force-protocol';
import type { GraphModel, NodeKind } from './graph-model';

export interface Point {
  x: number;
  y: number;
}

export const RADIUS: Record<NodeKind, number> = { workspace: 12, agent: 8, tool: 4.5, component: 5.5 };

/**
 * Positions of the graph's nodes, computed by d3-force in a worker. `update(model)` with the same
 * nodes and edges changes nothing; with new ones it places them next to a neighbour and reheats
 * the simulation gently, so what was laid out stays where it was (the layout never resets).
 */
export class ForceLayout {
  readonly pos = new Map<string, Point>();
  private order: string[] = [];
  private shape = '';
  private worker: Worker | null = null;
  private gen = 0;
  running = false;

  constructor(private readonly onChange: () => void) {}

  update(model: GraphModel): void {
    const shape = `${model.nodes.map((n) => n.id).join('\n')}|${model.edges.map((e) => e.id).join('\n')}`;
    if (shape === this.shape) return;
    const fresh = this.pos.size === 0;
    this.shape = shape;
    this.order = model.nodes.map((n) => n.id);
    const keep = new Set(this.order);
    for (const id of this.pos.keys()) if (!keep.has(id)) this.pos.delete(id);
    this.place(model);
    const index = new Map(this.order.map((id, i) => [id, i]));
    const links = new Uint32Array(model.edges.length * 2);
    const lengths = new Float32Array(model.edges.length);
    model.edges.forEach((e, i) => {
      links[i * 2] = index.get(e.source)!;
      links[i * 2 + 1] = index.get(e.target)!;
      lengths[i] = e.kind === 'binding' ? 110 : 60;
    });
    const x = new Float32Array(this.order.length);
    const y = new Float32Array(this.order.length);
    const r = new Float32Array(this.order.length);
    model.nodes.forEach((n, i) => {
      const p = this.pos.get(n.id)!;
      x[i] = p.x;
      y[i] = p.y;
      r[i] = RADIUS[n.kind];
    });
    const msg: SetGraph = { type: 'set', gen: ++this.gen, x, y, r, links, lengths, alpha: fresh ? 1 : 0.3 };
    this.worker ??= this.spawn();
    this.worker.postMessage(msg, [x.buffer, y.buffer, r.buffer, links.buffer, lengths.buffer]);
    this.running = true;
    this.onChange();
  }

  kill(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /** New nodes start next to a placed neighbour, or on a spiral around the graph. */
  private place(model: GraphModel): void {
    const adj = new Map<string, string[]>();
    for (const e of model.edges) {
      (adj.get(e.source) ?? adj.set(e.source, []).get(e.source)!).push(e.target);
      (adj.get(e.target) ?? adj.set(e.target, []).get(e.target)!).push(e.source);
    }
    const rank: Record<NodeKind, number> = { workspace: 0, agent: 1, tool: 2, component: 3 };
    const sorted = [...model.nodes].sort((a, b) => rank[a.kind] - rank[b.kind]);
    sorted.forEach((n, i) => {
      if (this.pos.has(n.id)) return;
      const near = (adj.get(n.id) ?? []).map((id) => this.pos.get(id)).find(Boolean);
      const a = i * 2.399963; // golden angle
      if (near) this.pos.set(n.id, { x: near.x + Math.cos(a) * 20, y: near.y + Math.sin(a) * 20 });
      else
        this.pos.set(n.id, {
          x: Math.cos(a) * 12 * Math.sqrt(i + 1),
          y: Math.sin(a) * 12 * Math.sqrt(i + 1),
        });
    });
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./force.worker.ts', import.meta.url), {
      type: 'module',
      name: 'graph-layout',
    });
    w.addEventListener('message', (e: MessageEvent<Positions>) => {
      const { x, y } = e.data;
      if (e.data.gen !== this.gen) return; // positions of a graph replaced since
      this.order.forEach((id, i) => {
        const p = this.pos.get(id);
        if (p) {
          p.x = x[i]!;
          p.y = y[i]!;
        }
      });
      this.running = e.data.running;
      this.onChange();
    });
    return w;
  }
}
