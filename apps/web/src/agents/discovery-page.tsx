import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import type { DiscoveryCandidate, DiscoveryStatus } from '@xem/protocol';
import { useAgents } from '../fleet/fleet-queries';
import '../fleet/fleet.css';
import { api } from '../ops-client';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { DiscoveryDecision } from './discovery-decision';

const STATUSES: DiscoveryStatus[] = ['pending', 'accepted', 'rejected'];

/** Every candidate of one status (500 a page, the API's maximum; at most 20 pages). */
async function fetchCandidates(status: DiscoveryStatus): Promise<DiscoveryCandidate[]> {
  const rows: DiscoveryCandidate[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await api.discovery.list({ status, limit: 500, cursor });
    rows.push(...page.data);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return rows;
}

function attributesText(c: DiscoveryCandidate): string {
  return Object.entries(c.attributes)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/**
 * Components the agents found on their hosts. Pending ones wait for an owner's decision; accepted
 * ones appear in the Graph. Live: discovery events invalidate ['discovery'].
 */
function DiscoveryPage() {
  const search = discoveryRoute.useSearch();
  const status: DiscoveryStatus = STATUSES.find((s) => s === search.status) ?? 'pending';
  const owner = isOwner(useSession());
  const agents = useAgents();
  const list = useQuery({
    queryKey: ['discovery', status],
    queryFn: () => fetchCandidates(status),
    placeholderData: keepPreviousData,
  });
  const agentName = (id: string) => agents.data?.find((a) => a.id === id)?.registration_name ?? id;

  return (
    <section className="page">
      <div className="page-head">
        <Link to="/agents">Agents</Link>
        <span className="muted">/</span>
        <h2>Discovery</h2>
        <span className="muted">components the agents found on their hosts</span>
      </div>
      <nav className="row" aria-label="Discovery status">
        {STATUSES.map((s) => (
          <Link
            key={s}
            to="/agents/discovery"
            search={{ status: s }}
            className={s === status ? 'btn small primary' : 'btn small'}
            aria-current={s === status ? 'page' : undefined}
          >
            {s}
          </Link>
        ))}
      </nav>
      {list.isPending ? (
        <Loading what="Loading discovered components" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty title={`No ${status} components`}>
          {status === 'pending'
            ? 'Agents report listening services at start and when they change.'
            : 'Decisions made on pending components show here.'}
        </Empty>
      ) : (
        <div className="card">
          <table className="table" aria-label={`${status} components`}>
            <thead>
              <tr>
                <th>Component</th>
                <th>Address</th>
                <th>Agent</th>
                <th>Attributes</th>
                <th>Last seen</th>
                <th>Status</th>
                {owner && <th>Decision</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr
                  key={c.id}
                  data-candidate={c.id}
                  data-address={c.address ?? ''}
                  className={c.id === search.focus ? 'selected' : undefined}
                >
                  <td>
                    <strong>{c.name}</strong> <span className="muted">{c.kind}</span>
                  </td>
                  <td className="mono">{c.address ?? '—'}</td>
                  <td>
                    <Link to="/agents" search={{ agent: c.agent_id }}>
                      {agentName(c.agent_id)}
                    </Link>
                  </td>
                  <td className="mono small">{attributesText(c)}</td>
                  <td>
                    <TimeAgo at={c.last_seen_at} />
                  </td>
                  <td>
                    <StatusBadge value={c.status} />
                    {c.reason && <div className="muted small">{c.reason}</div>}
                  </td>
                  {owner && (
                    <td>
                      <DiscoveryDecision candidate={c} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export const discoveryRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agents/discovery',
  validateSearch: (s: Record<string, unknown>): { status?: string; focus?: string } =>
    compact({ status: str(s.status), focus: str(s.focus) }),
  component: DiscoveryPage,
});
