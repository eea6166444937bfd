import type Graph from 'graphology';
import type Sigma from 'sigma';
import type { NodeAttrs } from './sync-graph';

/** A coloured count (blue: running executions, amber: pending approvals), none for zero. */
function count(kind: 'running' | 'pending', n: number): HTMLElement[] {
  if (n === 0) return [];
  const b = document.createElement('b');
  b.className = kind;
  b.textContent = String(n);
  return [b];
}

/**
 * Counts of running executions and pending approvals drawn over their nodes as small HTML badges
 * (a pulsing ring via CSS), moved after every sigma frame. Positions go through the CSSOM, which
 * the CSP allows (no style attributes in markup, no <style> elements).
 */
export class GraphBadges {
  private readonly els = new Map<string, HTMLElement>();

  constructor(
    private readonly layer: HTMLElement,
    private readonly sigma: Sigma,
    private readonly graph: Graph,
  ) {}

  /** Creates, updates and removes badges to match the graph's `running` / `pending` counts. */
  sync(dimmed: (id: string) => boolean): void {
    const seen = new Set<string>();
    this.graph.forEachNode((id, raw) => {
      const a = raw as NodeAttrs;
      if (a.running + a.pending === 0) return;
      seen.add(id);
      let el = this.els.get(id);
      if (!el) {
        el = document.createElement('span');
        el.className = 'graph-badge';
        el.setAttribute('aria-hidden', 'true');
        el.dataset.node = id;
        this.layer.appendChild(el);
        this.els.set(id, el);
      }
      el.replaceChildren(...count('running', a.running), ...count('pending', a.pending));
      el.classList.toggle('running', a.running > 0);
      el.classList.toggle('pending', a.pending > 0);
      el.classList.toggle('dim', dimmed(id));
    });
    for (const [id, el] of this.els) {
      if (!seen.has(id)) {
        el.remove();
        this.els.delete(id);
      }
    }
    this.place();
  }

  /** Moves every badge to its node's position on screen (called after each frame). */
  place(): void {
    for (const [id, el] of this.els) {
      if (!this.graph.hasNode(id)) continue;
      const a = this.graph.getNodeAttributes(id) as NodeAttrs;
      const p = this.sigma.graphToViewport({ x: a.x, y: a.y });
      el.style.transform = `translate(${Math.round(p.x)}px, ${Math.round(p.y)}px)`;
    }
  }

  kill(): void {
    for (const el of this.els.values()) el.remove();
    this.els.clear();
  }
}
