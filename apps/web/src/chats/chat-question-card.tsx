import type { Chat } from '@xem/protocol';
import { ApprovalFacts, ArgsBlock } from '../approvals/approval-facts';
import { useApprovalDetail, useMemberEmails } from '../approvals/approval-queries';
import { StatusBadge } from '../ui/status-badge';
import { ErrorState, Loading } from '../ui/states';
import { ChatAnswerForm } from './chat-answer-form';

/**
 * The chat's `x_ask_user.question` for one pending approval: which tool with which arguments,
 * its risk, who may decide and the ticking deadline, and the answer form. The approval is read
 * as ['approval', id] (with `viewer`), refreshed by every ox.approval.* event of it.
 */
export function ChatQuestionCard({
  chat,
  approvalId,
  showArgs = false,
}: {
  chat: Chat;
  approvalId: string;
  /** Under its tool call the arguments are already on screen; alone, the card shows them. */
  showArgs?: boolean;
}) {
  const q = useApprovalDetail(approvalId);
  const emails = useMemberEmails();
  if (q.isPending) return <Loading what="Loading the question" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  const a = q.data;
  return (
    <article
      className="card chat-question"
      data-approval-id={a.id}
      data-status={a.status}
      aria-label={`Question: run ${a.tool}?`}
    >
      <div className="row">
        <span className="badge warn">question</span>
        <strong>
          Run <span className="mono">{a.tool}</span>?
        </strong>
        <StatusBadge value={a.risk} />
        {a.status !== 'pending' && <StatusBadge value={a.status} />}
        <span className="muted">
          This {a.risk} tool call waits for an approval before it reaches an agent.
        </span>
      </div>
      {showArgs ? (
        <div className="approval-body">
          <ApprovalFacts approval={a} emails={emails} />
          <ArgsBlock args={a.args} />
        </div>
      ) : (
        <ApprovalFacts approval={a} emails={emails} />
      )}
      <ChatAnswerForm chatId={chat.id} approval={a} />
    </article>
  );
}
