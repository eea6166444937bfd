import { createRoute, Link } from '@tanstack/react-router';
import { AgentActions } from '../fleet/agent-actions';
import { AgentStatus } from '../fleet/agent-status';
import { toolsOf, useAgent, useTools, useWorkspaces } from '../fleet/fleet-queries';
import '../fleet/fleet.css';
import { appRoute } from '../routes/app-route';
import { isOwner, useSession } from '../session/use-session';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { AgentWorkspacePause } from './agent-workspace-pause';
import { ToolList } from './tool-list';

/** The workspaces one agent serves, with the tools it offers there and per-workspace pause. */
function AgentWorkspacesPage() {
  const { agentId } = agentWorkspacesRoute.useParams();
  const owner = isOwner(useSession());
  const agent = useAgent(agentId);
  const workspaces = useWorkspaces();
  const tools = useTools();
  if (agent.isPending) return <Loading what="Loading the agent" />;
  if (agent.isError) return <ErrorState error={agent.error} retry={() => void agent.refetch()} />;
  const a = agent.data;
  const bound = (workspaces.data ?? []).filter((w) => a.workspace_ids.includes(w.id));
  const mine = toolsOf(tools.data ?? [], a.id);
  return (
    <section className="page">
      <div className="page-head">
        <Link to="/fleet">Fleet</Link>
        <span className="muted">/</span>
        <h2>{a.hostname || a.registration_name}</h2>
        <AgentStatus agent={a} />
        <span className="muted">
          {a.registration_name} · {a.region} · v{a.version} · heartbeat <TimeAgo at={a.last_heartbeat_at} />
        </span>
        <Link to="/agents" search={{ agent: a.id }} className="btn small">
          Configuration
        </Link>
        {owner && <AgentActions agent={a} />}
      </div>
      <h3>Workspaces ({bound.length})</h3>
      {workspaces.isError ? (
        <ErrorState error={workspaces.error} retry={() => void workspaces.refetch()} />
      ) : workspaces.isPending ? (
        <Loading what="Loading workspaces" />
      ) : bound.length === 0 ? (
        <Empty title="This agent serves no workspace">Bind it from a workspace page.</Empty>
      ) : (
        bound.map((w) => (
          <div key={w.id} className="card stack" data-workspace={w.name}>
            <div className="row between">
              <div className="row">
                <Link to="/workspaces/$workspaceId" params={{ workspaceId: w.id }}>
                  <strong>{w.name}</strong>
                </Link>
                <span className="badge mute">{w.type}</span>
                {w.is_default && <span className="badge info">default</span>}
                {w.paused && (
                  <StatusBadge value="paused" label={`workspace paused: ${w.pause_reason ?? ''}`} />
                )}
                {a.paused_workspace_ids.includes(w.id) && (
                  <StatusBadge value="paused" label="agent paused here" />
                )}
              </div>
              {owner && <AgentWorkspacePause agent={a} workspace={w} />}
            </div>
            {tools.isError ? (
              <ErrorState error={tools.error} retry={() => void tools.refetch()} />
            ) : tools.isPending ? (
              <Loading what="Loading tools" />
            ) : (
              <ToolList tools={mine} empty="No tools in this agent's manifest" />
            )}
          </div>
        ))
      )}
    </section>
  );
}

export const agentWorkspacesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agents/$agentId/workspaces',
  component: AgentWorkspacesPage,
});
