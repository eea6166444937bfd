import { createRoute, Link } from '@tanstack/react-router';
import { ApprovalCard } from '../approvals/approval-card';
import {
  DECISIONS_SHOWN,
  PENDING_SHOWN,
  useDecidedApprovals,
  useMemberEmails,
  usePendingApprovals,
  useViewers,
  useWorkspaceNames,
} from '../approvals/approval-queries';
import { DecisionsTable } from '../approvals/decisions-table';
import { appRoute } from '../routes/app-route';
import { compact } from '../routes/search-params';
import { Empty, ErrorState, Loading } from '../ui/states';
import '../approvals/approvals.css';

function PendingView() {
  const q = usePendingApprovals();
  const rows = q.data?.data ?? [];
  const viewers = useViewers(rows);
  const emails = useMemberEmails();
  const workspaces = useWorkspaceNames();
  if (q.isPending) return <Loading what="Loading pending approvals" />;
  if (q.error) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (rows.length === 0)
    return (
      <Empty title="No pending approvals">
        Requests that need a human decision appear here as soon as they are made.
      </Empty>
    );
  return (
    <div className="stack" aria-label="Pending approvals">
      {q.data.next_cursor && (
        <p className="notice">
          More than {PENDING_SHOWN} requests are pending; the oldest are not shown. Use{' '}
          <code>xeroctl approvals list --status pending</code> to see them all.
        </p>
      )}
      {rows.map((a) => (
        <ApprovalCard
          key={a.id}
          approval={a}
          viewer={viewers.get(a.id)}
          emails={emails}
          workspaces={workspaces}
        />
      ))}
    </div>
  );
}

function DecisionsView() {
  const q = useDecidedApprovals();
  const emails = useMemberEmails();
  const workspaces = useWorkspaceNames();
  if (q.isPending) return <Loading what="Loading decisions" />;
  if (q.error) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (q.data.data.length === 0)
    return <Empty title="No decisions yet">Approved, rejected and timed-out requests appear here.</Empty>;
  return <DecisionsTable rows={q.data.data} emails={emails} workspaces={workspaces} />;
}

/** Pending requests (decide inline) or the last 100 decisions; the view is in the URL (?view=). */
function ApprovalsPage() {
  const { view } = approvalsRoute.useSearch();
  const pending = usePendingApprovals();
  const count = pending.data ? ` (${pending.data.data.length}${pending.data.next_cursor ? '+' : ''})` : '';
  return (
    <section className="page approvals-page">
      <div className="page-head">
        <h2>Approvals</h2>
        <span className="muted">Human decisions in front of risky tool executions; updates live.</span>
      </div>
      <nav className="subtabs" aria-label="Approvals view">
        <Link
          to="/approvals"
          search={{}}
          className={view === undefined ? 'active' : ''}
          aria-current={view === undefined ? 'page' : undefined}
        >
          Pending{count}
        </Link>
        <Link
          to="/approvals"
          search={{ view: 'decisions' }}
          className={view === 'decisions' ? 'active' : ''}
          aria-current={view === 'decisions' ? 'page' : undefined}
        >
          Decisions (last {DECISIONS_SHOWN})
        </Link>
      </nav>
      {view === 'decisions' ? <DecisionsView /> : <PendingView />}
    </section>
  );
}

export const approvalsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/approvals',
  validateSearch: (s: Record<string, unknown>): { view?: 'decisions' } =>
    compact({ view: s.view === 'decisions' ? ('decisions' as const) : undefined }),
  component: ApprovalsPage,
});
