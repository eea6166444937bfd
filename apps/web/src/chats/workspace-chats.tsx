import { Link } from '@tanstack/react-router';
import type { Workspace } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { useWorkspaceChats } from './chat-queries';
import { NewChatDialog } from './new-chat-dialog';

/** The workspace's chats (live on ox.chat.*), newest first, and "New chat". */
export function WorkspaceChats({
  workspace: w,
  dialogOpen,
  setDialogOpen,
}: {
  workspace: Workspace;
  dialogOpen: boolean;
  setDialogOpen: (open: boolean) => void;
}) {
  const q = useWorkspaceChats(w.id);
  return (
    <section className="card stack" aria-label="Chats">
      <div className="row between">
        <h3>Chats</h3>
        <button className="btn primary" type="button" onClick={() => setDialogOpen(true)}>
          New chat
        </button>
      </div>
      {q.isPending ? (
        <Loading what="Loading chats" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <Empty title="No chats in this workspace yet">
          A chat runs this workspace&apos;s tools from a conversation: blank, or from a template.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table chats-table">
            <thead>
              <tr>
                <th>Title</th>
                <th>Template</th>
                <th>Policy</th>
                <th>Turn</th>
                <th className="num">Messages</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((c) => (
                <tr key={c.id} data-chat-id={c.id}>
                  <td>
                    <Link
                      to="/workspaces/$workspaceId/chats/$chatId"
                      params={{ workspaceId: w.id, chatId: c.id }}
                    >
                      {c.title}
                    </Link>
                  </td>
                  <td>
                    {c.template ? (
                      <>
                        {c.template.name} <span className="muted">v{c.template.version}</span>
                      </>
                    ) : (
                      <span className="muted">blank</span>
                    )}
                  </td>
                  <td>{c.approval_policy}</td>
                  <td>
                    <StatusBadge value={c.turn_status} />
                  </td>
                  <td className="num">{c.message_count}</td>
                  <td>
                    <TimeAgo at={c.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialogOpen && <NewChatDialog workspace={w} onClose={() => setDialogOpen(false)} />}
    </section>
  );
}
