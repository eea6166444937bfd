import type { Point } from './force-layout';

export interface SceneNode {
  id: string;
  r: number;
  color: string;
  label: string;
  /** Agents get a ring, so a green agent and a green (read) tool stay apart. */
  ring: boolean;
  dim: boolean;
  /** Always labelled (workspaces, agents, the focus); tools only once zoomed in enough. */
  important: boolean;
}
export interface SceneEdge {
  a: string;
  b: string;
  color: string;
  width: number;
}
export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
  labelColor: string;
  ringColor: string;
}

interface Handlers {
  onHover: (id: string | null, at: Point) => void;
  onClick: (id: string) => void;
  /** After each frame (the badges follow their nodes). */
  onDraw: () => void;
}

/**
 * A 2D canvas that draws the scene at the layout's positions, with a camera the mouse pans (drag)
 * and zooms (wheel, around the pointer). Hit-testing is a scan over the nodes on screen.
 */
export class CanvasView {
  private scene: Scene = { nodes: [], edges: [], labelColor: '#000', ringColor: '#000' };
  /** The scene sorted for drawing: edges grouped by style (thin first), dimmed nodes first. */
  private edgeGroups: [string, number, SceneEdge[]][] = [];
  private ordered: SceneNode[] = [];
  private cam = { x: 0, y: 0, k: 1 };
  /** Until the user moves the camera, every frame fits the graph (as the layout spreads). */
  private autoFit = true;
  private frame = 0;
  private hovered: string | null = null;
  private drag: { x: number; y: number; moved: boolean } | null = null;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly ro: ResizeObserver;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly pos: Map<string, Point>,
    private readonly on: Handlers,
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(canvas);
    canvas.addEventListener('wheel', this.wheel, { passive: false });
    canvas.addEventListener('pointerdown', this.down);
    canvas.addEventListener('pointermove', this.move);
    canvas.addEventListener('pointerup', this.up);
    canvas.addEventListener('pointerleave', this.leave);
    this.resize();
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    const byStyle = new Map<string, SceneEdge[]>();
    for (const e of scene.edges) {
      const key = `${e.color}|${e.width}`;
      (byStyle.get(key) ?? byStyle.set(key, []).get(key)!).push(e);
    }
    this.edgeGroups = [...byStyle.values()]
      .map((es): [string, number, SceneEdge[]] => [es[0]!.color, es[0]!.width, es])
      .sort((a, b) => a[1] - b[1]);
    this.ordered = [...scene.nodes].sort((a, b) => Number(!a.dim) - Number(!b.dim));
    this.request();
  }

  /** Schedules one redraw on the next animation frame. */
  request(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  toScreen(p: Point): Point {
    return {
      x: (p.x - this.cam.x) * this.cam.k + this.w() / 2,
      y: (p.y - this.cam.y) * this.cam.k + this.h() / 2,
    };
  }

  zoomBy(f: number, at: Point = { x: this.w() / 2, y: this.h() / 2 }): void {
    const before = this.toWorld(at);
    this.cam.k = Math.min(20, Math.max(0.02, this.cam.k * f));
    const after = this.toWorld(at);
    this.cam.x += before.x - after.x;
    this.cam.y += before.y - after.y;
    this.autoFit = false;
    this.request();
  }

  fit(): void {
    this.autoFit = true;
    this.request();
  }

  kill(): void {
    cancelAnimationFrame(this.frame);
    this.ro.disconnect();
    this.canvas.removeEventListener('wheel', this.wheel);
    this.canvas.removeEventListener('pointerdown', this.down);
    this.canvas.removeEventListener('pointermove', this.move);
    this.canvas.removeEventListener('pointerup', this.up);
    this.canvas.removeEventListener('pointerleave', this.leave);
  }

  private w = () => this.canvas.clientWidth;
  private h = () => this.canvas.clientHeight;
  private toWorld = (p: Point): Point => ({
    x: (p.x - this.w() / 2) / this.cam.k + this.cam.x,
    y: (p.y - this.h() / 2) / this.cam.k + this.cam.y,
  });

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(this.w() * dpr));
    this.canvas.height = Math.max(1, Math.round(this.h() * dpr));
    this.request();
  }

  private fitCamera(): void {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity; // prettier-ignore
    for (const n of this.scene.nodes) {
      const p = this.pos.get(n.id);
      if (!p) continue;
      x0 = Math.min(x0, p.x - n.r);
      y0 = Math.min(y0, p.y - n.r);
      x1 = Math.max(x1, p.x + n.r);
      y1 = Math.max(y1, p.y + n.r);
    }
    if (x0 === Infinity) return;
    const pad = 48;
    this.cam.x = (x0 + x1) / 2;
    this.cam.y = (y0 + y1) / 2;
    this.cam.k = Math.min(
      2.2,
      (this.w() - pad * 2) / Math.max(1, x1 - x0),
      (this.h() - pad * 2) / Math.max(1, y1 - y0),
    );
  }

  private draw(): void {
    const { ctx, cam, scene } = this;
    if (this.autoFit) this.fitCamera();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.w(), this.h());
    ctx.setTransform(
      dpr * cam.k,
      0,
      0,
      dpr * cam.k,
      dpr * (this.w() / 2 - cam.x * cam.k),
      dpr * (this.h() / 2 - cam.y * cam.k),
    );
    // Edges, one path per style: thin and dimmed first, so highlighted ones draw on top.
    for (const [color, width, edges] of this.edgeGroups) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width / cam.k;
      ctx.beginPath();
      for (const e of edges) {
        const a = this.pos.get(e.a);
        const b = this.pos.get(e.b);
        if (!a || !b) continue;
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
      }
      ctx.stroke();
    }
    const view = { x0: this.toWorld({ x: 0, y: 0 }), x1: this.toWorld({ x: this.w(), y: this.h() }) };
    const visible = (p: Point, r: number) =>
      p.x + r >= view.x0.x && p.x - r <= view.x1.x && p.y + r >= view.x0.y && p.y - r <= view.x1.y;
    const ordered = this.ordered;
    for (const n of ordered) {
      const p = this.pos.get(n.id);
      if (!p || !visible(p, n.r)) continue;
      ctx.fillStyle = n.color;
      ctx.beginPath();
      ctx.arc(p.x, p.y, n.r, 0, Math.PI * 2);
      ctx.fill();
      if (n.ring && !n.dim) {
        ctx.strokeStyle = scene.ringColor;
        ctx.lineWidth = 2 / cam.k;
        ctx.stroke();
      }
      if (n.id === this.hovered) {
        ctx.strokeStyle = scene.ringColor;
        ctx.lineWidth = 3 / cam.k;
        ctx.beginPath();
        ctx.arc(p.x, p.y, n.r + 3 / cam.k, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    // Labels in screen pixels, so they stay readable at any zoom.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = scene.labelColor;
    const many = scene.nodes.length > 300;
    for (const n of ordered) {
      if (n.dim || !n.label) continue;
      if (!(n.important || n.id === this.hovered || (!many && cam.k > 0.6) || n.r * cam.k >= 7)) continue;
      const p = this.pos.get(n.id);
      if (!p || !visible(p, n.r)) continue;
      const s = this.toScreen(p);
      ctx.fillText(n.label, s.x + n.r * cam.k + 4, s.y);
    }
    this.on.onDraw();
  }

  private hit(at: Point): string | null {
    let best: string | null = null;
    let bestD = Infinity;
    for (const n of this.scene.nodes) {
      const p = this.pos.get(n.id);
      if (!p) continue;
      const s = this.toScreen(p);
      const d = Math.hypot(s.x - at.x, s.y - at.y);
      if (d <= Math.max(n.r * this.cam.k, 4) + 3 && d < bestD) {
        best = n.id;
        bestD = d;
      }
    }
    return best;
  }

  private local = (e: MouseEvent): Point => {
    const b = this.canvas.getBoundingClientRect();
    return { x: e.clientX - b.left, y: e.clientY - b.top };
  };

  private wheel = (e: WheelEvent) => {
    e.preventDefault();
    this.zoomBy(Math.exp(-e.deltaY * 0.0015), this.local(e));
  };

  private down = (e: PointerEvent) => {
    this.drag = { ...this.local(e), moved: false };
  };

  private move = (e: PointerEvent) => {
    const at = this.local(e);
    if (this.drag && (this.drag.moved || Math.hypot(at.x - this.drag.x, at.y - this.drag.y) > 3)) {
      this.cam.x -= (at.x - this.drag.x) / this.cam.k;
      this.cam.y -= (at.y - this.drag.y) / this.cam.k;
      this.drag = { ...at, moved: true };
      this.autoFit = false;
      this.request();
      return;
    }
    const id = this.hit(at);
    if (id !== this.hovered) {
      this.hovered = id;
      this.canvas.style.cursor = id ? 'pointer' : 'grab';
      this.request();
    }
    this.on.onHover(id, at);
  };

  private up = (e: PointerEvent) => {
    const wasDrag = this.drag?.moved;
    this.drag = null;
    if (wasDrag) return;
    const id = this.hit(this.local(e));
    if (id) this.on.onClick(id);
  };

  private leave = () => {
    this.drag = null;
    if (this.hovered) {
      this.hovered = null;
      this.request();
    }
    this.on.onHover(null, { x: 0, y: 0 });
  };
}
