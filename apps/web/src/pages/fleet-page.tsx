import { useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import type { AgentStatus as Status } from '@xem/protocol';
import { AgentActions } from '../fleet/agent-actions';
import { AgentStatus } from '../fleet/agent-status';
import { useAgents } from '../fleet/fleet-queries';
import { JoinKeyDialog } from '../fleet/join-key-dialog';
import '../fleet/fleet.css';
import { useLiveEvent } from '../live/use-live';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

const STATUSES: Status[] = ['online', 'paused', 'draining', 'offline', 'revoked'];

/** Agent fleet: health at a glance, live; owners pause / resume / drain / revoke from the row. */
function FleetPage() {
  const search = fleetRoute.useSearch();
  const navigate = useNavigate({ from: '/fleet' });
  const session = useSession();
  const owner = isOwner(session);
  const qc = useQueryClient();
  const agents = useAgents();
  // Lease renewals write no event; the stream's own heartbeat (~30 s) refreshes the heartbeat column.
  useLiveEvent('ox.connection.heartbeat', () => void qc.invalidateQueries({ queryKey: ['agents'] }));

  const rows = (agents.data ?? []).filter((a) => !search.status || a.status === search.status);
  const counts = new Map<string, number>();
  for (const a of agents.data ?? []) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const closeDialog = () =>
    void navigate({ search: (s) => ({ ...s, dialog: undefined, created: undefined }) });

  return (
    <section className="page">
      <div className="page-head">
        <h2>Fleet</h2>
        <div className="filters">
          <label>
            Status
            <select
              value={search.status ?? ''}
              onChange={(e) =>
                void navigate({ search: (s) => ({ ...s, status: e.target.value || undefined }) })
              }
            >
              <option value="">All ({agents.data?.length ?? 0})</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s} ({counts.get(s) ?? 0})
                </option>
              ))}
            </select>
          </label>
        </div>
        {owner && (
          <Link className="btn primary" to="/fleet" search={(s) => ({ ...s, dialog: 'join-key' })}>
            Generate join key
          </Link>
        )}
      </div>
      {agents.isPending ? (
        <Loading what="Loading the fleet" />
      ) : agents.isError ? (
        <ErrorState error={agents.error} retry={() => void agents.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={search.status ? `No ${search.status} agents` : 'No agents enrolled'}>
          {owner
            ? 'Generate a join key and start xem-agent with it on a host.'
            : 'Ask an owner to enroll one.'}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table fleet-table">
            <thead>
              <tr>
                <th>Hostname</th>
                <th>Status</th>
                <th className="num">Tools</th>
                <th>Last heartbeat</th>
                <th>In flight / capacity</th>
                <th>Version</th>
                <th>Region</th>
                {owner && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr
                  key={a.id}
                  className="clickable"
                  data-agent={a.registration_name}
                  data-agent-id={a.id}
                  onClick={() =>
                    void navigate({ to: '/agents/$agentId/workspaces', params: { agentId: a.id } })
                  }
                >
                  <td>
                    <Link to="/agents/$agentId/workspaces" params={{ agentId: a.id }}>
                      {a.hostname || a.registration_name}
                    </Link>
                    <div className="muted sub-line">{a.registration_name}</div>
                  </td>
                  <td>
                    <AgentStatus agent={a} />
                  </td>
                  <td className="num" data-col="tools">
                    {a.tool_count}
                  </td>
                  <td data-col="heartbeat">
                    <TimeAgo at={a.last_heartbeat_at} />
                  </td>
                  <td>
                    <span
                      className="capacity"
                      title={`${a.in_flight} running of at most ${a.max_concurrency}`}
                    >
                      <meter min={0} max={a.max_concurrency} value={a.in_flight} aria-hidden="true" />
                      {a.in_flight} / {a.max_concurrency}
                    </span>
                  </td>
                  <td className="mono">{a.version}</td>
                  <td>{a.region}</td>
                  {owner && (
                    <td className="actions" onClick={(e) => e.stopPropagation()}>
                      <AgentActions agent={a} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {owner && search.dialog === 'join-key' && (
        <JoinKeyDialog
          created={search.created}
          onCreated={(id) => void navigate({ search: (s) => ({ ...s, created: id }), replace: true })}
          onClose={closeDialog}
        />
      )}
    </section>
  );
}

export const fleetRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/fleet',
  validateSearch: (s: Record<string, unknown>): { status?: string; dialog?: string; created?: string } =>
    compact({ status: str(s.status), dialog: str(s.dialog), created: str(s.created) }),
  component: FleetPage,
});
