import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api } from '../ops-client';
import { when } from '../ui/format';
import { ErrorState, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { TimeAgo } from '../ui/time-ago';

/** The approval in front of an execution: its stages, every vote (who, when, note or reason, via). */
export function ApprovalTrail({ approvalId }: { approvalId: string }) {
  const q = useQuery({ queryKey: ['approval', approvalId], queryFn: () => api.getApproval(approvalId) });
  if (q.isPending) return <Loading what="Loading the approval" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  const a = q.data;
  const by = a.decided_by ? (a.decided_by.email ?? a.decided_by.user_id ?? 'system') : null;
  return (
    <section className="stack" aria-labelledby="ops-approval-h">
      <div className="row between">
        <h3 id="ops-approval-h">Approval</h3>
        <Link to="/approvals" className="muted">
          Approvals tab
        </Link>
      </div>
      <dl className="kv">
        <dt>Approval</dt>
        <dd className="mono">{a.id}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge value={a.status} />
        </dd>
        <dt>Stage</dt>
        <dd>
          {a.stage_index + 1} of {a.stage_count} · {a.approvals_so_far} of {a.required_approvals} approvals ·
          approvers {a.approvers.join(', ')}
        </dd>
        <dt>Requested</dt>
        <dd>
          <TimeAgo at={a.created_at} /> via {a.requested_by.source}
          {a.requested_by.user_id && <> by {a.requested_by.user_id}</>}
        </dd>
        {a.status === 'pending' && (
          <>
            <dt>Stage deadline</dt>
            <dd>
              <TimeAgo at={a.stage_deadline_at} /> ({a.on_timeout} on timeout)
            </dd>
          </>
        )}
        {by && (
          <>
            <dt>Decided</dt>
            <dd>
              {a.decision ?? a.status} by {by} via {a.decided_by!.via} · {when(a.decided_at)}
            </dd>
          </>
        )}
        {a.note && (
          <>
            <dt>Note</dt>
            <dd>{a.note}</dd>
          </>
        )}
        {a.reason && (
          <>
            <dt>Reason</dt>
            <dd>{a.reason}</dd>
          </>
        )}
      </dl>
      {a.votes.length > 0 ? (
        <table className="table">
          <caption className="sr-only">Votes</caption>
          <thead>
            <tr>
              <th>Stage</th>
              <th>Vote</th>
              <th>Who</th>
              <th>Via</th>
              <th>When</th>
              <th>Note / reason</th>
            </tr>
          </thead>
          <tbody>
            {a.votes.map((v, i) => (
              <tr key={i}>
                <td>{v.stage_index + 1}</td>
                <td>
                  <StatusBadge
                    value={v.decision === 'approve' ? 'approved' : 'rejected'}
                    label={v.decision}
                  />
                </td>
                <td>{v.email ?? v.user_id ?? '—'}</td>
                <td>{v.via}</td>
                <td>{when(v.at)}</td>
                <td className="ops-wrap">{v.note ?? v.reason ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No votes yet.</p>
      )}
    </section>
  );
}
