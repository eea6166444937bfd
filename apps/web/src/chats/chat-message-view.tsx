import type { Chat, ChatMessage, Execution } from '@xem/protocol';
import { UserName } from '../templates/user-name';
import { TimeAgo } from '../ui/time-ago';
import { ExecutionLink } from './execution-link';
import { ToolCallView } from './tool-call-view';
import { ToolResultView } from './tool-result-view';

/** Who wrote a message, in words. */
function Who({ message: m, chat }: { message: ChatMessage; chat: Chat }) {
  const person = m.author?.user_id ? (
    <UserName id={m.author.user_id} />
  ) : m.author?.key_id ? (
    <span>
      API key <span className="mono">{m.author.key_id}</span>
    </span>
  ) : null;
  switch (m.role) {
    case 'user':
      return person ?? <span>user</span>;
    case 'assistant':
      return person ? (
        <span>{person} (operator tool run)</span>
      ) : (
        <span>assistant{chat.model ? <span className="muted"> · {chat.model}</span> : null}</span>
      );
    case 'tool':
      return <span>tool result</span>;
    case 'error':
      return <span>error</span>;
  }
}

/** One message: its author and time, its text, its tool calls or the result it carries. */
export function ChatMessageView({
  chat,
  message: m,
  callName,
  executions,
  onOpenExecution,
}: {
  chat: Chat;
  message: ChatMessage;
  /** For a tool result: the name of the call it answers. */
  callName: string | undefined;
  executions: Map<string, Execution> | undefined;
  onOpenExecution: (id: string) => void;
}) {
  const execution = m.execution_id ? executions?.get(m.execution_id) : undefined;
  return (
    <li className={`chat-msg ${m.role}`} data-role={m.role} data-seq={m.seq} data-message-id={m.id}>
      <div className="chat-msg-head">
        <strong>
          <Who message={m} chat={chat} />
        </strong>
        {m.role === 'tool' && callName && <span className="mono">{callName}</span>}
        {m.role === 'tool' && m.execution_id && (
          <ExecutionLink
            id={m.execution_id}
            execution={execution}
            onOpen={onOpenExecution}
            showStatus={false}
          />
        )}
        <span className="muted chat-msg-time">
          <TimeAgo at={m.created_at} /> · #{m.seq}
        </span>
      </div>
      {m.content !== null &&
        m.content !== '' &&
        (m.role === 'tool' ? (
          <ToolResultView content={m.content} label={`Result${callName ? ` of ${callName}` : ''}`} />
        ) : (
          <div className="chat-text" role={m.role === 'error' ? 'alert' : undefined}>
            {m.content}
          </div>
        ))}
      {m.tool_calls.map((call) => (
        <ToolCallView
          key={call.id}
          chat={chat}
          call={call}
          execution={call.execution_id ? executions?.get(call.execution_id) : undefined}
          onOpenExecution={onOpenExecution}
        />
      ))}
    </li>
  );
}
