import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { Template, Workspace } from '@xem/protocol';
import { useId, useState, type FormEvent } from 'react';
import { errorText } from '../ui/states';
import { api } from '../ops-client';

/** Workspaces a chat from this template can be started in (the server has the last word). */
function usableIn(t: Template, workspaces: readonly Workspace[]): Workspace[] {
  if (t.scope === 'workspace') return workspaces.filter((w) => w.id === t.workspace_id);
  const types = t.applicable_workspace_types;
  return workspaces.filter((w) => types.length === 0 || types.includes(w.type));
}

/**
 * "Apply to workspace" on a template's page: a new chat from the template's current version in
 * a workspace it fits (`POST /ops/api/workspaces/:id/chat-templates/:tid/apply`), then the chat.
 */
export function ApplyTemplateCard({
  template: t,
  workspaces,
}: {
  template: Template;
  workspaces: readonly Workspace[];
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const id = useId();
  const choices = usableIn(t, workspaces);
  const [workspace, setWorkspace] = useState('');
  const [title, setTitle] = useState('');
  const target = workspace || choices[0]?.id || '';
  const apply = useMutation({
    mutationFn: () => api.templates.apply(target, t.id, { title: title.trim() || undefined }),
    onSuccess: (chat) => {
      qc.setQueryData(['chat', chat.id], chat);
      void qc.invalidateQueries({ queryKey: ['chats'] });
      void navigate({
        to: '/workspaces/$workspaceId/chats/$chatId',
        params: { workspaceId: chat.workspace_id, chatId: chat.id },
      });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (target) apply.mutate();
  };
  return (
    <form className="card stack" aria-label="Apply to workspace" onSubmit={submit}>
      <h3>Apply to workspace</h3>
      {choices.length === 0 ? (
        <p className="muted">
          No workspace of this project fits it
          {t.applicable_workspace_types.length > 0 && ` (types: ${t.applicable_workspace_types.join(', ')})`}.
        </p>
      ) : (
        <>
          <p className="muted">A new chat pinned to version {t.version}: its prompt, tools and policy.</p>
          <label htmlFor={`${id}-ws`}>
            Workspace
            <select id={`${id}-ws`} value={target} onChange={(e) => setWorkspace(e.target.value)}>
              {choices.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.type})
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={`${id}-title`}>
            Title
            <input
              id={`${id}-title`}
              value={title}
              maxLength={200}
              placeholder="optional"
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>
          <div className="row">
            <button className="btn primary" type="submit" disabled={apply.isPending}>
              {apply.isPending ? 'Starting…' : 'Start chat'}
            </button>
          </div>
        </>
      )}
      {apply.error && (
        <p className="error-text" role="alert">
          {errorText(apply.error)}
        </p>
      )}
    </form>
  );
}
