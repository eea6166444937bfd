import type { Approval, ApprovalVote } from '@xem/protocol';
import { when } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { decidedByText, voterText } from './approval-people';

function Vote({ v, emails }: { v: ApprovalVote; emails: Map<string, string> }) {
  const words = v.decision === 'approve' ? v.note : v.reason;
  return (
    <li className={`vote ${v.decision}`}>
      <StatusBadge value={v.decision === 'approve' ? 'approved' : 'rejected'} /> by{' '}
      <strong>{voterText(v, emails)}</strong> <span className="muted">via {v.via}</span>{' '}
      <time className="muted" dateTime={v.at}>
        {when(v.at)}
      </time>
      {words && (
        <div className="vote-words">
          {v.decision === 'approve' ? 'Note' : 'Reason'}: {words}
        </div>
      )}
    </li>
  );
}

function stageState(a: Approval, i: number): string {
  if (i < a.stage_index) return 'escalated past';
  if (i > a.stage_index) return a.status === 'pending' ? 'not reached yet' : 'not reached';
  return a.status === 'pending' ? 'current' : `ended: ${a.status.replace(/_/g, ' ')}`;
}

/**
 * The approval's history: requested, each stage of the escalation chain with its votes (who,
 * when, note or reason, through what), and the outcome.
 */
export function ApprovalTrail({ approval: a, emails }: { approval: Approval; emails: Map<string, string> }) {
  const stages = Array.from({ length: a.stage_count }, (_, i) => i);
  return (
    <ol className="timeline approval-trail" aria-label="Approval trail">
      <li>
        Requested <time dateTime={a.created_at}>{when(a.created_at)}</time>{' '}
        <span className="muted">
          (policy version {a.policy_version}, action hash <code>{a.action_hash.slice(0, 12)}</code>)
        </span>
      </li>
      {stages.map((i) => {
        const votes = a.votes.filter((v) => v.stage_index === i);
        return (
          <li key={i} className={i === a.stage_index && a.status === 'pending' ? 'stage current' : 'stage'}>
            <strong>
              Stage {i + 1} of {a.stage_count}
            </strong>{' '}
            <span className="muted">— {stageState(a, i)}</span>
            {i === a.stage_index && (
              <span className="muted">
                {' '}
                · {a.approvals_so_far} of {a.required_approvals} approval(s)
              </span>
            )}
            {votes.length > 0 ? (
              <ul className="votes-list">
                {votes.map((v, k) => (
                  <Vote key={k} v={v} emails={emails} />
                ))}
              </ul>
            ) : (
              i <= a.stage_index && <div className="muted">No votes at this stage.</div>
            )}
          </li>
        );
      })}
      {a.status !== 'pending' && (
        <li className="outcome">
          <StatusBadge value={a.status} />{' '}
          {a.decided_at && <time dateTime={a.decided_at}>{when(a.decided_at)}</time>}{' '}
          <span className="muted">by {decidedByText(a, emails)}</span>
          {a.status === 'approved' && a.note && <div className="vote-words">Note: {a.note}</div>}
          {a.status === 'rejected' && a.reason && <div className="vote-words">Reason: {a.reason}</div>}
        </li>
      )}
    </ol>
  );
}
