import type { Chat, ChatToolCall, Execution } from '@xem/protocol';
import { ChatQuestionCard } from './chat-question-card';
import { ExecutionLink } from './execution-link';

/**
 * One tool call of an assistant message: the tool, its arguments, the execution it became with
 * its live status — and, while that execution waits for an approval, the question to answer.
 */
export function ToolCallView({
  chat,
  call,
  execution,
  onOpenExecution,
}: {
  chat: Chat;
  call: ChatToolCall;
  execution: Execution | undefined;
  onOpenExecution: (id: string) => void;
}) {
  return (
    <div className="chat-call" data-tool-call-id={call.id} data-tool={call.name}>
      <div className="row">
        <span className="muted">calls</span>
        <span className="mono tool-name">{call.name}</span>
        {call.execution_id ? (
          <ExecutionLink id={call.execution_id} execution={execution} onOpen={onOpenExecution} />
        ) : (
          <span className="muted">refused before it ran (see the result below)</span>
        )}
      </div>
      <pre className="args" aria-label={`Arguments of ${call.name}`}>
        {JSON.stringify(call.arguments, null, 2)}
      </pre>
      {execution?.error && (
        <p className="error-text">
          {execution.error.message} <span className="muted">({execution.error.code})</span>
        </p>
      )}
      {execution?.status === 'pending_approval' && execution.approval_id && (
        <ChatQuestionCard chat={chat} approvalId={execution.approval_id} />
      )}
    </div>
  );
}
