import { Link } from '@tanstack/react-router';
import type { Approval } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { TimeAgo } from '../ui/time-ago';
import { DeadlineCountdown } from './deadline-countdown';
import { approverText, requestedViaText, requesterText } from './approval-people';

/** The arguments, pretty-printed. */
export function ArgsBlock({ args }: { args: Record<string, unknown> }) {
  return (
    <pre className="args" aria-label="Arguments">
      {JSON.stringify(args, null, 2)}
    </pre>
  );
}

/** Tool (linking to the approval's page), risk, status and workspace on one line. */
export function ApprovalTitle({
  approval: a,
  workspaces,
  link = true,
}: {
  approval: Approval;
  workspaces: Map<string, string>;
  link?: boolean;
}) {
  return (
    <div className="row approval-title">
      {link ? (
        <Link to="/approvals/$approvalId" params={{ approvalId: a.id }} className="tool-name">
          {a.tool}
        </Link>
      ) : (
        <span className="tool-name">{a.tool}</span>
      )}
      <StatusBadge value={a.risk} />
      {a.status !== 'pending' && <StatusBadge value={a.status} />}
      <span className="muted">in</span>
      <span title={a.workspace_id}>{workspaces.get(a.workspace_id) ?? a.workspace_id}</span>
      <code className="muted approval-id">{a.id}</code>
    </div>
  );
}

/**
 * Who asked, when, the stage (index / total and who may decide at it), the votes of N-of-M and,
 * while pending, the ticking deadline of the current stage.
 */
export function ApprovalFacts({ approval: a, emails }: { approval: Approval; emails: Map<string, string> }) {
  return (
    <dl className="kv approval-facts">
      <dt>Requested by</dt>
      <dd>
        {requesterText(a, emails)} <span className="muted">via {requestedViaText(a)}</span>
      </dd>
      <dt>Created</dt>
      <dd>
        <TimeAgo at={a.created_at} />
      </dd>
      {a.status === 'pending' && (
        <>
          <dt>Deadline</dt>
          <dd>
            <DeadlineCountdown approval={a} />
          </dd>
        </>
      )}
      <dt>Stage</dt>
      <dd>
        {a.stage_index + 1} / {a.stage_count}
        <span className="muted"> · who may decide: </span>
        {a.approvers.map((s) => approverText(s, emails)).join(', ')}
        {a.self_approval === 'forbidden' && <span className="muted"> (not the requester)</span>}
      </dd>
      <dt>Votes</dt>
      <dd>
        <span className="votes">
          {a.approvals_so_far} of {a.required_approvals} approval{a.required_approvals === 1 ? '' : 's'}
        </span>
        {a.votes.length > 0 && <span className="muted"> · {a.votes.length} vote(s) in all</span>}
      </dd>
    </dl>
  );
}
