import { createRoute, Link } from '@tanstack/react-router';
import { useWorkspace } from '../fleet/fleet-queries';
import { appRoute } from '../routes/app-route';

/**
 * A chat of a workspace. This server has no chats API yet (templates and chats come later), so
 * the page says so plainly and shows no transcript rather than an invented one.
 */
function ChatPage() {
  const { workspaceId, chatId } = chatRoute.useParams();
  const ws = useWorkspace(workspaceId);
  return (
    <section className="page">
      <div className="page-head">
        <Link to="/workspaces/$workspaceId" params={{ workspaceId }}>
          {ws.data?.name ?? workspaceId}
        </Link>
        <span className="muted">/</span>
        <h2>
          Chat <span className="mono">{chatId}</span>
        </h2>
      </div>
      <div className="state empty" role="status">
        <strong>Chats are not available on this server yet</strong>
        <div className="muted">
          This server has no chats API, so there is no conversation to show for{' '}
          <span className="mono">{chatId}</span>. Once chats exist, this page shows the transcript of the chat
          with its tool calls, their executions and the approvals they waited for.
        </div>
        <Link to="/workspaces/$workspaceId" params={{ workspaceId }}>
          Back to the workspace
        </Link>
      </div>
    </section>
  );
}

export const chatRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workspaces/$workspaceId/chats/$chatId',
  component: ChatPage,
});
