import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { ToolList } from '../agents/tool-list';
import { WorkspaceChats } from '../chats/workspace-chats';
import { useAgents, useTools, useWorkspace } from '../fleet/fleet-queries';
import '../fleet/fleet.css';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { StatusBadge } from '../ui/status-badge';
import { ErrorState, Loading } from '../ui/states';
import { WorkspaceAgents } from './workspace-agents';
import { WorkspaceExecutions } from './workspace-executions';
import { WorkspacePause } from './workspace-pause';
import { PolicyVersionsDialog, WorkspacePolicy } from './workspace-policy';

/**
 * One workspace: its chats (`?dialog=new-chat` starts one), agents (bind / unbind), tools,
 * approval policy, recent executions, pause.
 */
function WorkspacePage() {
  const { workspaceId } = workspaceRoute.useParams();
  const search = workspaceRoute.useSearch();
  const navigate = useNavigate({ from: '/workspaces/$workspaceId' });
  const owner = isOwner(useSession());
  const ws = useWorkspace(workspaceId);
  const agents = useAgents();
  const tools = useTools();
  if (ws.isPending) return <Loading what="Loading the workspace" />;
  if (ws.isError) return <ErrorState error={ws.error} retry={() => void ws.refetch()} />;
  const w = ws.data;
  return (
    <section className="page">
      <div className="page-head">
        <Link to="/agents">Agents</Link>
        <span className="muted">/</span>
        <h2>{w.name}</h2>
        <span className="badge mute">{w.type}</span>
        {w.is_default && <span className="badge info">default</span>}
        {w.paused ? (
          <StatusBadge value="paused" label={`paused: ${w.pause_reason ?? ''}`} />
        ) : (
          <StatusBadge value="online" label="dispatching" />
        )}
        <span className="muted mono">{w.id}</span>
        {owner && <WorkspacePause workspace={w} />}
      </div>
      {w.description && <p>{w.description}</p>}
      <WorkspaceChats
        workspace={w}
        dialogOpen={search.dialog === 'new-chat'}
        setDialogOpen={(open) =>
          void navigate({ search: (s) => compact({ ...s, dialog: open ? 'new-chat' : undefined }) })
        }
      />
      {agents.isError ? (
        <ErrorState error={agents.error} retry={() => void agents.refetch()} />
      ) : (
        <WorkspaceAgents workspace={w} agents={agents.data ?? []} owner={owner} />
      )}
      <div className="card stack">
        <h3>Tools</h3>
        {tools.isError ? (
          <ErrorState error={tools.error} retry={() => void tools.refetch()} />
        ) : tools.isPending ? (
          <Loading what="Loading tools" />
        ) : (
          <ToolList
            tools={tools.data.filter((t) => t.workspace_ids.includes(w.id))}
            empty="No agent here offers a tool"
          />
        )}
      </div>
      <WorkspacePolicy workspaceId={w.id} />
      <WorkspaceExecutions workspaceId={w.id} agents={agents.data ?? []} />
      {search.policy === 'versions' && <PolicyVersionsDialog workspaceId={w.id} version={search.version} />}
    </section>
  );
}

export const workspaceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workspaces/$workspaceId',
  validateSearch: (s: Record<string, unknown>): { policy?: string; version?: number; dialog?: string } => {
    const version = Number(str(s.version));
    return compact({
      policy: str(s.policy),
      version: Number.isInteger(version) ? version : undefined,
      dialog: str(s.dialog),
    });
  },
  component: WorkspacePage,
});
