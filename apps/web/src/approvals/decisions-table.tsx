import { Link } from '@tanstack/react-router';
import type { Approval } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { TimeAgo } from '../ui/time-ago';
import { decidedByText, requesterText } from './approval-people';

/** The words that came with the outcome: the approver's note, the rejection's reason. */
function wordsOf(a: Approval): string {
  if (a.status === 'approved') return a.note ?? '';
  if (a.status === 'rejected') return a.reason ?? '';
  return '';
}

/** The last decided approvals, newest first: outcome, who decided, note or reason. */
export function DecisionsTable({
  rows,
  emails,
  workspaces,
}: {
  rows: Approval[];
  emails: Map<string, string>;
  workspaces: Map<string, string>;
}) {
  return (
    <div className="table-wrap">
      <table className="table decisions">
        <thead>
          <tr>
            <th>Decided</th>
            <th>Tool</th>
            <th>Risk</th>
            <th>Outcome</th>
            <th>Decided by</th>
            <th>Note / reason</th>
            <th>Workspace</th>
            <th>Requested by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} data-approval-id={a.id}>
              <td>
                <TimeAgo at={a.decided_at ?? a.created_at} />
              </td>
              <td>
                <Link to="/approvals/$approvalId" params={{ approvalId: a.id }}>
                  {a.tool}
                </Link>
              </td>
              <td>
                <StatusBadge value={a.risk} />
              </td>
              <td>
                <StatusBadge value={a.status} />
              </td>
              <td>{decidedByText(a, emails)}</td>
              <td className="words" title={wordsOf(a)}>
                {wordsOf(a) || <span className="muted">—</span>}
              </td>
              <td>{workspaces.get(a.workspace_id) ?? a.workspace_id}</td>
              <td>{requesterText(a, emails)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
