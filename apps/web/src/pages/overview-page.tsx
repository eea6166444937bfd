import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ops } from '../ops-client';
import { appRoute } from '../routes/app-route';
import { Sparkline } from '../ui/sparkline';
import { ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

function Card({
  title,
  value,
  sub,
  children,
}: {
  title: string;
  value: number;
  sub?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="card stat">
      <div className="stat-title">{title}</div>
      <div className="stat-value">{value.toLocaleString()}</div>
      {sub && <div className="stat-sub muted">{sub}</div>}
      {children}
    </div>
  );
}

/** Summary cards, each a deep link into its tab with the matching filter, and the last hour's trend. */
function OverviewPage() {
  const q = useQuery({ queryKey: ['overview'], queryFn: () => ops.overview() });
  if (q.isPending) return <Loading what="Loading the overview" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  const o = q.data;
  const perMinute = o.executions_per_minute.map((m) => m.count);
  const lastHour = perMinute.reduce((a, b) => a + b, 0);
  return (
    <section className="page">
      <div className="cards">
        <Link
          to="/fleet"
          search={{ status: 'online' }}
          className="card-link"
          aria-label="Agents online: open Fleet"
        >
          <Card title="Agents online" value={o.agents_online} sub={`of ${o.agents_total} enrolled`}>
            {null}
          </Card>
        </Link>
        <Link
          to="/operations"
          search={{ status: 'dispatched' }}
          className="card-link"
          aria-label="Active executions: open Operations"
        >
          <Card title="Active executions" value={o.active_executions} sub="running on an agent">
            {null}
          </Card>
        </Link>
        <Link to="/approvals" className="card-link" aria-label="Pending approvals: open Approvals">
          <Card
            title="Pending approvals"
            value={o.pending_approvals}
            sub={`${o.awaiting_approval} execution${o.awaiting_approval === 1 ? '' : 's'} waiting`}
          >
            {null}
          </Card>
        </Link>
        <Link
          to="/operations"
          search={{ status: 'queued' }}
          className="card-link"
          aria-label="Queue depth: open Operations"
        >
          <Card title="Queue depth" value={o.queue_depth} sub="waiting for an agent">
            {null}
          </Card>
        </Link>
      </div>
      <div className="card trend">
        <div className="row between">
          <h2>Executions per minute, last hour</h2>
          <span className="muted">
            {lastHour.toLocaleString()} in the hour · updated <TimeAgo at={o.as_of} />
          </span>
        </div>
        <Sparkline
          values={perMinute}
          label={`Executions per minute over the last hour: ${lastHour} in total, at most ${Math.max(...perMinute)} in a minute`}
        />
      </div>
    </section>
  );
}

export const overviewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: OverviewPage,
});
