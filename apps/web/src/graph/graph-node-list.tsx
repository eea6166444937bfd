import { useMemo } from 'react';
import { StatusBadge } from '../ui/status-badge';
import { neighbourhood, nodeHref, type GraphModel, type GraphNode } from './graph-model';

interface Props {
  model: GraphModel;
  query: string;
  focus: string | undefined;
  onQuery: (q: string) => void;
  onFocus: (id: string | undefined) => void;
  onOpen: (n: GraphNode) => void;
}

const SHOWN = 150;
const KIND_ORDER = { agent: 0, workspace: 1, tool: 2, component: 3 } as const;

/**
 * The keyboard way into the graph (canvas nodes cannot take focus): find a node by name, kind or
 * state, focus it (its reach is highlighted and the URL keeps ?focus=) or open its page.
 */
export function GraphNodeList({ model, query, focus, onQuery, onFocus, onOpen }: Props) {
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return model.nodes
      .filter((n) => !q || `${n.label} ${n.kind} ${n.state} ${n.id}`.toLowerCase().includes(q))
      .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.label.localeCompare(b.label));
  }, [model, query]);
  const focused = focus ? model.nodes.find((n) => n.id === focus) : undefined;
  const reach = focused ? neighbourhood(model, focused.id) : null;
  const reachOf = (kind: GraphNode['kind']) =>
    model.nodes.filter((n) => n.kind === kind && reach?.has(n.id) && n.id !== focused?.id);

  return (
    <section className="card graph-nodes" aria-label="Nodes">
      {focused && (
        <div className="graph-focus" data-testid="graph-focus">
          <div className="row between">
            <strong>
              {focused.kind === 'agent' ? 'What this agent can touch' : `Focused ${focused.kind}`}:{' '}
              {focused.label}
            </strong>
            <button type="button" className="btn small" onClick={() => onFocus(undefined)}>
              Clear focus
            </button>
          </div>
          <div className="muted">
            {focused.kind === 'agent'
              ? `${reachOf('workspace').length} workspace(s), ${reachOf('tool').length} tool(s), ${reachOf('component').length} component(s)`
              : `${reachOf('agent').length} agent(s)`}
          </div>
        </div>
      )}
      {focus && !focused && (
        <div className="notice">
          Nothing called {focus} is in the graph now.{' '}
          <button type="button" className="btn small" onClick={() => onFocus(undefined)}>
            Clear focus
          </button>
        </div>
      )}
      <label className="graph-search">
        <span>Find a node</span>
        <input
          type="search"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          placeholder="name, kind or state"
        />
      </label>
      <div className="muted" aria-live="polite">
        {matches.length} of {model.nodes.length} nodes
        {matches.length > SHOWN ? `, the first ${SHOWN} shown` : ''}
      </div>
      <ul className="graph-node-list">
        {matches.slice(0, SHOWN).map((n) => (
          <li
            key={n.id}
            data-node={n.id}
            data-kind={n.kind}
            className={reach && !reach.has(n.id) ? 'dim' : undefined}
          >
            <span className="graph-node-kind muted">{n.kind}</span>
            <span className="graph-node-name" title={n.label}>
              {n.label}
            </span>
            <span className="graph-node-badges">
              <StatusBadge value={n.state} />
              {n.running > 0 && <span className="badge info">{n.running} running</span>}
              {n.pending > 0 && <span className="badge warn">{n.pending} pending</span>}
            </span>
            <span className="graph-node-actions">
              <button
                type="button"
                className="btn small ghost"
                aria-pressed={focus === n.id}
                aria-label={`Focus ${n.kind} ${n.label}`}
                onClick={() => onFocus(focus === n.id ? undefined : n.id)}
              >
                Focus
              </button>
              <a
                className="btn small ghost"
                href={`/ops${nodeHref(n)}`}
                aria-label={`Open ${n.kind} ${n.label}`}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  onOpen(n);
                }}
              >
                Open
              </a>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
