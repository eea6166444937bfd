import { Link } from '@tanstack/react-router';
import type { Chat, TemplateApprovalPolicy } from '@xem/protocol';
import { UserName } from '../templates/user-name';
import { StatusBadge } from '../ui/status-badge';
import { TimeAgo } from '../ui/time-ago';

const POLICY_TEXT: Record<TemplateApprovalPolicy, string> = {
  standard: "the workspace's approval policy decides",
  elevated: 'write tools also wait for an approval',
  restricted: 'every tool call waits for an approval',
};

const TURN_TEXT: Record<Chat['turn_status'], string> = {
  idle: 'idle',
  running: 'running',
  waiting_approval: 'waiting for an approval',
};

/** What the chat is: its template (pinned version), approval policy, model, turn and tools. */
export function ChatHeader({ chat: c }: { chat: Chat }) {
  return (
    <dl className="kv card chat-facts" data-testid="chat-facts">
      <dt>Template</dt>
      <dd>
        {c.template ? (
          <Link
            to="/templates/$templateId"
            params={{ templateId: c.template.id }}
            search={{ version: c.template.version }}
          >
            {c.template.name} <span className="badge mute">v{c.template.version} pinned</span>
          </Link>
        ) : (
          <span className="muted">none (a blank chat)</span>
        )}
      </dd>
      <dt>Approval policy</dt>
      <dd>
        <strong>{c.approval_policy}</strong> <span className="muted">· {POLICY_TEXT[c.approval_policy]}</span>
      </dd>
      <dt>Model</dt>
      <dd data-testid="chat-model">
        {c.model ? (
          <span className="mono">{c.model}</span>
        ) : (
          <span>
            no model <span className="muted">· messages are recorded; operators run tools from the chat</span>
          </span>
        )}
      </dd>
      <dt>Turn</dt>
      <dd data-testid="chat-turn" data-turn={c.turn_status}>
        <StatusBadge value={c.turn_status} label={TURN_TEXT[c.turn_status]} />
      </dd>
      <dt>Tools</dt>
      <dd>
        {c.allowed_tools === null ? (
          <span className="muted">every tool of the workspace</span>
        ) : c.allowed_tools.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <span className="mono">{c.allowed_tools.join(', ')}</span>
        )}
      </dd>
      <dt>Created</dt>
      <dd>
        <TimeAgo at={c.created_at} />
        {c.created_by.user_id && (
          <>
            {' '}
            <span className="muted">by</span> <UserName id={c.created_by.user_id} />
          </>
        )}
        <span className="muted">
          {' '}
          · {c.message_count} message{c.message_count === 1 ? '' : 's'} · <span className="mono">{c.id}</span>
        </span>
      </dd>
    </dl>
  );
}
