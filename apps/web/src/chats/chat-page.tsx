import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { useWorkspace } from '../fleet/fleet-queries';
import { ExecutionModal } from '../operations/execution-modal';
import { useNameLookups } from '../operations/use-name-lookups';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isNotFound } from '../templates/template-queries';
import { ErrorState, Loading } from '../ui/states';
import { ChatComposer } from './chat-composer';
import { ChatHeader } from './chat-header';
import { useChat, useChatExecutions, useChatMessages } from './chat-queries';
import { ChatTranscript } from './chat-transcript';
import { RunToolForm } from './run-tool-form';
import '../approvals/approvals.css';
import '../operations/operations.css';
import './chats.css';

/**
 * One chat: header, transcript (tool calls with their executions, questions waiting for an
 * approval inline), the composer and — without a model — the "Run a tool" form. Everything
 * stays current through /ops/stream (ox.chat.*, ox.execution.*, ox.approval.*): no polling.
 * `?execution=<id>` opens an execution's detail modal over the page.
 */
function ChatPage() {
  const { workspaceId, chatId } = chatRoute.useParams();
  const search = chatRoute.useSearch();
  const navigate = useNavigate({ from: '/workspaces/$workspaceId/chats/$chatId' });
  const chat = useChat(chatId);
  const messages = useChatMessages(chatId);
  const executions = useChatExecutions(chatId);
  const ws = useWorkspace(chat.data?.workspace_id ?? workspaceId);
  const { names } = useNameLookups();
  const openExecution = useCallback(
    (id: string | undefined) => void navigate({ search: (s) => compact({ ...s, execution: id }) }),
    [navigate],
  );

  const head = (
    <div className="page-head">
      <Link to="/workspaces/$workspaceId" params={{ workspaceId: chat.data?.workspace_id ?? workspaceId }}>
        {ws.data?.name ?? workspaceId}
      </Link>
      <span className="muted">/ chats /</span>
      <h2 data-chat-id={chatId}>{chat.data?.title ?? chatId}</h2>
    </div>
  );
  if (chat.isPending) return <Loading what="Loading the chat" />;
  if (chat.isError)
    return (
      <section className="page">
        {head}
        {isNotFound(chat.error) ? (
          <div className="state empty" role="status">
            <strong>No such chat</strong>
            <div className="muted">
              <span className="mono">{chatId}</span> does not exist in this project, or it was deleted.
            </div>
            <Link to="/workspaces/$workspaceId" params={{ workspaceId }}>
              Back to the workspace
            </Link>
          </div>
        ) : (
          <ErrorState error={chat.error} retry={() => void chat.refetch()} />
        )}
      </section>
    );
  const c = chat.data;
  return (
    <section className="page chat-page">
      {head}
      <ChatHeader chat={c} />
      {messages.isPending ? (
        <Loading what="Loading the messages" />
      ) : messages.isError ? (
        <ErrorState error={messages.error} retry={() => void messages.refetch()} />
      ) : (
        <ChatTranscript
          chat={c}
          messages={messages.data}
          executions={executions.data}
          executionsError={executions.error}
          onOpenExecution={openExecution}
        />
      )}
      <ChatComposer chat={c} />
      {c.model === null && <RunToolForm chat={c} />}
      {search.execution && (
        <ExecutionModal
          key={search.execution}
          id={search.execution}
          names={names}
          onClose={() => openExecution(undefined)}
        />
      )}
    </section>
  );
}

export const chatRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workspaces/$workspaceId/chats/$chatId',
  validateSearch: (s: Record<string, unknown>): { execution?: string } =>
    compact({ execution: str(s.execution) }),
  component: ChatPage,
});
