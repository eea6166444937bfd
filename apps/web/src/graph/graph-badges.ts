import type { Point } from './force-layout';
import type { GraphNode } from './graph-model';

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
 * (pulsing via CSS), moved after every canvas frame. Positions go through the CSSOM, which the CSP
 * allows (no style attributes in markup, no <style> elements).
 */
export class GraphBadges {
  private readonly els = new Map<string, HTMLElement>();

  constructor(
    private readonly layer: HTMLElement,
    private readonly project: (id: string) => Point | null,
  ) {}

  /** Creates, updates and removes badges to match the nodes' counts. */
  sync(nodes: readonly GraphNode[], dimmed: (id: string) => boolean): void {
    const seen = new Set<string>();
    for (const n of nodes) {
      if (n.running + n.pending === 0) continue;
      seen.add(n.id);
      let el = this.els.get(n.id);
      if (!el) {
        el = document.createElement('span');
        el.className = 'graph-badge';
        el.setAttribute('aria-hidden', 'true');
        el.dataset.node = n.id;
        this.layer.appendChild(el);
        this.els.set(n.id, el);
      }
      el.replaceChildren(...count('running', n.running), ...count('pending', n.pending));
      el.classList.toggle('dim', dimmed(n.id));
    }
    for (const [id, el] of this.els) {
      if (!seen.has(id)) {
        el.remove();
        this.els.delete(id);
      }
    }
    this.place();
  }

  /** Moves every badge to its node's position on screen. */
  place(): void {
    for (const [id, el] of this.els) {
      const p = this.project(id);
      if (p) el.style.transform = `translate(${Math.round(p.x)}px, ${Math.round(p.y)}px)`;
    }
  }

  kill(): void {
    for (const el of this.els.values()) el.remove();
    this.els.clear();
  }
}
