import type { Approval, ApprovalVote } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `1/2`: the current stage (1-based) of all stages. */
export function formatStage(a: Approval): string {
  return `${a.stage_index + 1}/${a.stage_count}`;
}

/** `1/2`: approving votes at the current stage of those it needs. */
export function formatVotes(a: Approval): string {
  return `${a.approvals_so_far}/${a.required_approvals}`;
}

/** `approvals list` columns. */
export const APPROVAL_COLUMNS: Column<Approval>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'STATUS', value: (a) => a.status },
  { header: 'RISK', value: (a) => a.risk },
  { header: 'TOOL', value: (a) => a.tool },
  { header: 'WORKSPACE', value: (a) => a.workspace_id },
  { header: 'STAGE', value: formatStage },
  { header: 'VOTES', value: formatVotes },
  { header: 'CREATED', value: (a) => a.created_at, time: true },
];

/** Who a vote or decision came from: the e-mail when known, with the user id. */
export function describeVoter(v: { user_id: string | null; email: string | null }): string {
  if (v.email && v.user_id) return `${v.email} (${v.user_id})`;
  return v.email ?? v.user_id ?? 'unknown';
}

/** `approve by bob@example.com (usr_…) via cli at stage 1, 2026-…: "looks right"`. */
export function describeVote(v: ApprovalVote): string {
  const said = v.note ?? v.reason;
  return `${v.decision} by ${describeVoter(v)} via ${v.via} at stage ${v.stage_index + 1}, ${v.at}${said ? `: ${JSON.stringify(said)}` : ''}`;
}

/** `usr_… (key key_…, cli)`: the requester as the approval records it. */
function describeRequester(a: Approval): string {
  const { user_id, key_id, source } = a.requested_by;
  const how = [key_id ? `key ${key_id}` : null, source].filter(Boolean).join(', ');
  return `${user_id ?? key_id ?? 'unknown'} (${how})`;
}

/** `approvals show` (and the approve/reject answers): one approval as fields. */
export function approvalFields(a: Approval): Array<[string, CellValue]> {
  return [
    ['ID', a.id],
    ['STATUS', a.status],
    ['TOOL', a.tool],
    ['RISK', a.risk],
    ['ARGS', JSON.stringify(a.args)],
    ['WORKSPACE', a.workspace_id],
    ['EXECUTION', a.execution_id],
    ['REQUESTED_BY', describeRequester(a)],
    ['CREATED', a.created_at],
    ['STAGE', formatStage(a)],
    ['APPROVERS', a.approvers],
    ['VOTES', formatVotes(a)],
    ['DEADLINE', a.status === 'pending' ? a.stage_deadline_at : null],
    ['ON_TIMEOUT', a.on_timeout],
    ['SELF_APPROVAL', a.self_approval],
    ['DECIDED', a.decided_at],
    ['DECIDED_BY', a.decided_by ? `${describeVoter(a.decided_by)} via ${a.decided_by.via}` : null],
    ['NOTE', a.note],
    ['REASON', a.reason],
    ['DECISIONS', a.votes.map(describeVote).join('; ')],
  ];
}

/** What a decision led to, for stderr after approve or reject. */
export function describeOutcome(a: Approval): string {
  switch (a.status) {
    case 'approved':
      return `Approved ${a.id}: execution ${a.execution_id} (${a.tool}) is queued to run.`;
    case 'rejected':
      return `Rejected ${a.id}: execution ${a.execution_id} (${a.tool}) will not run.`;
    case 'pending':
      return `Recorded your vote on ${a.id}: ${formatVotes(a)} approvals at stage ${formatStage(a)}; it stays pending until enough approvers agree.`;
    default:
      return `Approval ${a.id} is ${a.status}.`;
  }
}

/** How an approval ended for the requester who waited on it (`exec invoke --wait`). */
export function describeApprovalEnd(a: Approval): string {
  switch (a.status) {
    case 'rejected': {
      const by = a.decided_by ? ` by ${describeVoter(a.decided_by)}` : '';
      return `Approval ${a.id} was rejected${by}${a.reason ? `: ${JSON.stringify(a.reason)}` : '.'}`;
    }
    case 'timed_out':
      return `Approval ${a.id} timed out at stage ${formatStage(a)} without a decision.`;
    case 'invalidated':
      return `Approval ${a.id} was invalidated${a.reason ? `: ${a.reason}` : ''}; request it again.`;
    default:
      return `Approval ${a.id} is ${a.status}.`;
  }
}

/** The command an approver runs: irreversible tools need their name as `--confirm`. */
export function approveCommand(a: { id: string; tool: string; risk: string }): string {
  return `xeroctl approvals approve ${a.id}${a.risk === 'irreversible' ? ` --confirm ${a.tool}` : ''}`;
}
