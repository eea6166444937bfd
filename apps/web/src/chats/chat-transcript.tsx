import type { Chat, ChatMessage, Execution } from '@xem/protocol';
import { useEffect, useRef } from 'react';
import { errorText } from '../ui/states';
import { ChatMessageView } from './chat-message-view';
import { ChatQuestionCard } from './chat-question-card';

/**
 * The messages in order. Tool calls carry their executions' live status; a call whose execution
 * waits for an approval shows the question card right under it, and a pending approval of the
 * chat that no message names (it should not happen) is listed at the end rather than lost.
 */
export function ChatTranscript({
  chat,
  messages,
  executions,
  executionsError,
  onOpenExecution,
}: {
  chat: Chat;
  messages: ChatMessage[];
  executions: Map<string, Execution> | undefined;
  executionsError: Error | null;
  onOpenExecution: (id: string) => void;
}) {
  const end = useRef<HTMLDivElement>(null);
  const count = messages.length;
  const seen = useRef(count);
  useEffect(() => {
    // Follow new messages while the reader is at the bottom; leave them where they are otherwise.
    const grew = count > seen.current;
    seen.current = count;
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 320;
    if (grew && atBottom) end.current?.scrollIntoView({ block: 'nearest' });
  }, [count]);

  const callNames = new Map<string, string>();
  const named = new Set<string>();
  for (const m of messages)
    for (const call of m.tool_calls) {
      callNames.set(call.id, call.name);
      if (call.execution_id) named.add(call.execution_id);
    }
  const orphans = [...(executions?.values() ?? [])].filter(
    (e) => e.status === 'pending_approval' && e.approval_id && !named.has(e.id),
  );

  return (
    <div className="card chat-transcript" aria-label="Transcript" aria-live="polite">
      {executionsError && (
        <p className="error-text" role="alert">
          Could not load the executions of this chat: {errorText(executionsError)}
        </p>
      )}
      {count === 0 ? (
        <p className="muted chat-empty">
          No messages yet.{' '}
          {chat.model ? 'Write the first one below.' : 'Write one below, or run a tool from the chat.'}
        </p>
      ) : (
        <ol className="chat-messages">
          {messages.map((m) => (
            <ChatMessageView
              key={m.id}
              chat={chat}
              message={m}
              callName={m.tool_call_id ? callNames.get(m.tool_call_id) : undefined}
              executions={executions}
              onOpenExecution={onOpenExecution}
            />
          ))}
        </ol>
      )}
      {orphans.map((e) => (
        <ChatQuestionCard key={e.approval_id} chat={chat} approvalId={e.approval_id!} showArgs />
      ))}
      <div ref={end} />
    </div>
  );
}
