import { createRoute, Link } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';
import { duration } from '../ui/format';
import { ErrorState, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { ApprovalDecisionForm } from './approval-decision-form';
import { ApprovalFacts, ApprovalTitle, ArgsBlock } from './approval-facts';
import { useApprovalDetail, useExecution, useMemberEmails, useWorkspaceNames } from './approval-queries';
import { ApprovalTrail } from './approval-trail';
import './approvals.css';

/** The execution behind the approval: status (live) and a link to it in Operations. */
function ExecutionBox({ executionId }: { executionId: string }) {
  const q = useExecution(executionId);
  return (
    <dl className="kv">
      <dt>Execution</dt>
      <dd>
        <Link to="/operations" search={{ execution: executionId }} className="mono">
          {executionId}
        </Link>
      </dd>
      <dt>Status</dt>
      <dd className="execution-status">
        {q.data ? <StatusBadge value={q.data.status} /> : q.error ? 'could not load' : '…'}
      </dd>
      {q.data?.agent_id && (
        <>
          <dt>Agent</dt>
          <dd className="mono">{q.data.agent_id}</dd>
        </>
      )}
      {q.data?.duration_ms != null && (
        <>
          <dt>Duration</dt>
          <dd>{duration(q.data.duration_ms)}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * /ops/approvals/:approvalId — the page approval e-mails link to: one approval with its full
 * trail, its execution and the same actions as the list. Everything comes from the URL, so a
 * reload shows the same; ox.approval.* and ox.execution.* events keep it current.
 */
function ApprovalDetailPage() {
  const { approvalId } = approvalDetailRoute.useParams();
  const q = useApprovalDetail(approvalId);
  const emails = useMemberEmails();
  const workspaces = useWorkspaceNames();
  if (q.isPending) return <Loading what="Loading the approval" />;
  if (q.error) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  const a = q.data;
  return (
    <section className="page approval-detail" aria-label={`Approval ${a.id}`}>
      <div className="page-head">
        <Link to="/approvals" className="btn ghost">
          ← Approvals
        </Link>
        <h2>
          Approval <code>{a.id}</code>
        </h2>
        <StatusBadge value={a.status} />
      </div>
      <div className="card stack">
        <ApprovalTitle approval={a} workspaces={workspaces} link={false} />
        <div className="approval-body">
          <ApprovalFacts approval={a} emails={emails} />
          <ExecutionBox executionId={a.execution_id} />
        </div>
        <h3>Arguments</h3>
        <ArgsBlock args={a.args} />
        <ApprovalDecisionForm approval={a} viewer={a.viewer} />
      </div>
      <div className="card">
        <h3>Trail</h3>
        <ApprovalTrail approval={a} emails={emails} />
      </div>
    </section>
  );
}

export const approvalDetailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/approvals/$approvalId',
  component: ApprovalDetailPage,
});
