import type { Approval, ApprovalDetail } from '@xem/protocol';
import { ApprovalDecisionForm } from './approval-decision-form';
import { ApprovalFacts, ApprovalTitle, ArgsBlock } from './approval-facts';

/** One pending request in the Approvals tab: what it is, who asked, its clock, and the actions. */
export function ApprovalCard({
  approval,
  viewer,
  emails,
  workspaces,
}: {
  approval: Approval;
  viewer: ApprovalDetail['viewer'] | Error | undefined;
  emails: Map<string, string>;
  workspaces: Map<string, string>;
}) {
  return (
    <article
      className="card approval-card"
      data-approval-id={approval.id}
      aria-label={`Approval ${approval.id}`}
    >
      <ApprovalTitle approval={approval} workspaces={workspaces} />
      <div className="approval-body">
        <ApprovalFacts approval={approval} emails={emails} />
        <ArgsBlock args={approval.args} />
      </div>
      <ApprovalDecisionForm approval={approval} viewer={viewer} />
    </article>
  );
}
