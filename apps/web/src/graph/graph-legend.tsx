import type { GraphModel, NodeKind } from './graph-model';
import { AGENT_HEALTH_TONE, COMPONENT_KIND_TONE, TOOL_RISK_TONE, WORKSPACE_TONE } from './graph-colors';

function Group({
  title,
  kind,
  tones,
  model,
}: {
  title: string;
  kind: NodeKind;
  tones: Record<string, string>;
  model: GraphModel;
}) {
  const counts = new Map<string, number>();
  for (const n of model.nodes) if (n.kind === kind) counts.set(n.state, (counts.get(n.state) ?? 0) + 1);
  return (
    <div className="graph-legend-group">
      <h3>{title}</h3>
      <ul>
        {Object.entries(tones).map(([state, tone]) => (
          <li key={state} data-kind={kind} data-state={state} data-count={counts.get(state) ?? 0}>
            <span className={`graph-swatch ${kind} graph-tone-${tone}`} aria-hidden="true" />
            <span>{state}</span>
            <span className="num muted">{counts.get(state) ?? 0}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What the colours, sizes and badges mean, with how many nodes of each kind the graph holds. */
export function GraphLegend({ model }: { model: GraphModel }) {
  return (
    <section className="card graph-legend" aria-label="Legend">
      <Group
        title={`Workspaces (${model.counts.workspaces})`}
        kind="workspace"
        tones={WORKSPACE_TONE}
        model={model}
      />
      <Group
        title={`Agents by health (${model.counts.agents})`}
        kind="agent"
        tones={AGENT_HEALTH_TONE}
        model={model}
      />
      <Group
        title={`Tools by risk (${model.counts.tools})`}
        kind="tool"
        tones={TOOL_RISK_TONE}
        model={model}
      />
      <Group
        title={`Accepted components (${model.counts.components})`}
        kind="component"
        tones={COMPONENT_KIND_TONE}
        model={model}
      />
      <div className="graph-legend-group">
        <h3>On the nodes</h3>
        <ul>
          <li data-overlay="running" data-count={model.counts.running}>
            <span className="graph-badge static" aria-hidden="true">
              <b className="running">n</b>
            </span>
            <span>running executions</span>
            <span className="num muted">{model.counts.running}</span>
          </li>
          <li data-overlay="pending" data-count={model.counts.pending}>
            <span className="graph-badge static" aria-hidden="true">
              <b className="pending">n</b>
            </span>
            <span>pending approvals</span>
            <span className="num muted">{model.counts.pending}</span>
          </li>
          <li>
            <span className="graph-swatch line" aria-hidden="true" />
            <span>workspace—agent binding, agent—tool offer, agent—component it hosts</span>
          </li>
          <li>
            <span className="graph-swatch line paused" aria-hidden="true" />
            <span>binding paused for that agent</span>
          </li>
        </ul>
      </div>
    </section>
  );
}
