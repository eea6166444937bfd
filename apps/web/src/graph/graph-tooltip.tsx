import { StatusBadge } from '../ui/status-badge';
import type { GraphNode } from './graph-model';

export interface Hover {
  node: GraphNode;
  /** Mouse position inside the canvas, and the canvas's size (the tooltip stays inside it). */
  x: number;
  y: number;
  width: number;
  height: number;
}

const KIND_LABEL = { workspace: 'Workspace', agent: 'Agent', tool: 'Tool', component: 'Component' } as const;

/** What the hovered node is, its state, what runs and waits on it, and where a click goes. */
export function GraphTooltip({ hover }: { hover: Hover }) {
  const a = hover.node;
  const x = hover.x > hover.width - 340 ? hover.x - 334 : hover.x + 14;
  const y = hover.y > hover.height - 150 ? hover.y - 140 : hover.y + 14;
  return (
    <div
      className="graph-tooltip"
      role="tooltip"
      style={{ transform: `translate(${Math.round(Math.max(0, x))}px, ${Math.round(Math.max(0, y))}px)` }}
    >
      <div className="row">
        <span className="muted">{KIND_LABEL[a.kind]}</span>
        <strong>{a.label}</strong>
        <StatusBadge value={a.state} />
      </div>
      {a.facts.map((f) => (
        <div key={f} className="muted">
          {f}
        </div>
      ))}
      {(a.running > 0 || a.pending > 0) && (
        <div>
          {a.running > 0 && <span>{a.running} running</span>}
          {a.running > 0 && a.pending > 0 && ' · '}
          {a.pending > 0 && (
            <span>
              {a.pending} pending approval{a.pending === 1 ? '' : 's'}
            </span>
          )}
        </div>
      )}
      <div className="muted">
        Click to open{' '}
        {a.kind === 'tool'
          ? 'its operations'
          : a.kind === 'agent'
            ? 'its workspaces'
            : a.kind === 'component'
              ? 'its review'
              : 'it'}
      </div>
    </div>
  );
}
