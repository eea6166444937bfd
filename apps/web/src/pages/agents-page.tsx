import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { AgentDetail } from '../agents/agent-detail';
import { JoinKeysCard } from '../agents/join-keys-card';
import { AgentStatus } from '../fleet/agent-status';
import { useAgents, useTools, useWorkspaces } from '../fleet/fleet-queries';
import { JoinKeyDialog } from '../fleet/join-key-dialog';
import '../fleet/fleet.css';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { Empty, ErrorState, Loading } from '../ui/states';

/** Enrollment and configuration: every agent, the selected one in detail (`?agent=`), join keys. */
function AgentsPage() {
  const search = agentsRoute.useSearch();
  const navigate = useNavigate({ from: '/agents' });
  const owner = isOwner(useSession());
  const agents = useAgents();
  const workspaces = useWorkspaces();
  const tools = useTools();
  const selected = agents.data?.find((a) => a.id === search.agent) ?? agents.data?.[0];

  return (
    <section className="page">
      <div className="page-head">
        <h2>Agents</h2>
        <span className="muted">enrollment and configuration</span>
        <Link className="btn small" to="/agents/discovery">
          Discovery
        </Link>
      </div>
      {agents.isPending ? (
        <Loading what="Loading agents" />
      ) : agents.isError ? (
        <ErrorState error={agents.error} retry={() => void agents.refetch()} />
      ) : agents.data.length === 0 ? (
        <Empty title="No agents enrolled">Generate a join key below and start xem-agent with it.</Empty>
      ) : (
        <div className="agents-layout">
          <nav className="card agent-list" aria-label="Agents">
            {agents.data.map((a) => (
              <Link
                key={a.id}
                to="/agents"
                search={(s) => ({ ...s, agent: a.id })}
                className={a.id === selected?.id ? 'agent-item active' : 'agent-item'}
                aria-current={a.id === selected?.id ? 'true' : undefined}
              >
                <span>
                  <strong>{a.registration_name}</strong>
                  <span className="muted sub-line"> {a.hostname}</span>
                </span>
                <AgentStatus agent={{ ...a, status_reason: null }} />
              </Link>
            ))}
          </nav>
          {search.agent && !agents.data.some((a) => a.id === search.agent) ? (
            <Empty title="No such agent">It may have been removed, or belongs to another project.</Empty>
          ) : (
            selected && (
              <AgentDetail
                agent={selected}
                workspaces={workspaces.data ?? []}
                tools={tools.data}
                toolsError={tools.error}
                owner={owner}
              />
            )
          )}
        </div>
      )}
      <JoinKeysCard
        owner={owner}
        action={
          owner && (
            <Link className="btn primary" to="/agents" search={(s) => ({ ...s, dialog: 'join-key' })}>
              Generate join key
            </Link>
          )
        }
      />
      {owner && search.dialog === 'join-key' && (
        <JoinKeyDialog
          created={search.created}
          onCreated={(id) => void navigate({ search: (s) => ({ ...s, created: id }), replace: true })}
          onClose={() => void navigate({ search: (s) => ({ ...s, dialog: undefined, created: undefined }) })}
        />
      )}
    </section>
  );
}

export const agentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agents',
  validateSearch: (s: Record<string, unknown>): { agent?: string; dialog?: string; created?: string } =>
    compact({ agent: str(s.agent), dialog: str(s.dialog), created: str(s.created) }),
  component: AgentsPage,
});
