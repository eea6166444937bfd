import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Agent } from '@xem/protocol';
import { api } from '../ops-client';
import { duration } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

/** The workspace's last 20 executions (refreshed by ox.execution.*), each opening in Operations. */
export function WorkspaceExecutions({
  workspaceId,
  agents,
}: {
  workspaceId: string;
  agents: readonly Agent[];
}) {
  const q = useQuery({
    queryKey: ['executions', { workspace: workspaceId, limit: 20 }],
    queryFn: () => api.listExecutions({ workspace: workspaceId, limit: 20 }),
  });
  const agentName = (id: string | null) =>
    id ? (agents.find((a) => a.id === id)?.registration_name ?? id) : '—';
  return (
    <div className="card stack">
      <div className="row between">
        <h3>Recent executions</h3>
        <Link to="/operations" search={{ workspace: workspaceId }}>
          All in Operations
        </Link>
      </div>
      {q.isPending ? (
        <Loading what="Loading executions" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <Empty title="No executions in this workspace yet" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Invocation</th>
                <th>Tool</th>
                <th>Status</th>
                <th>Risk</th>
                <th>Agent</th>
                <th className="num">Duration</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((e) => (
                <tr key={e.id}>
                  <td className="mono">
                    <Link to="/operations" search={{ workspace: workspaceId, execution: e.id }}>
                      {e.id}
                    </Link>
                  </td>
                  <td className="mono">{e.tool}</td>
                  <td>
                    <StatusBadge value={e.status} />
                  </td>
                  <td>
                    <StatusBadge value={e.risk} />
                  </td>
                  <td>{agentName(e.agent_id)}</td>
                  <td className="num">{duration(e.duration_ms)}</td>
                  <td>
                    <TimeAgo at={e.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
