import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { MAX_CHAT_MESSAGE_CHARS, type Chat, type Workspace } from '@xem/protocol';
import { useState, type FormEvent } from 'react';
import { api } from '../ops-client';
import { Modal } from '../ui/modal';
import { errorText } from '../ui/states';

/**
 * "New chat" in a workspace: blank (every tool of the workspace, its approval policy), or from
 * one of the templates usable here (`GET …/templates?workspace_id=`), pinned to its current
 * version. An optional first message starts a turn when the server has a model. On success the
 * page goes to the new chat.
 */
export function NewChatDialog({ workspace: w, onClose }: { workspace: Workspace; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const templates = useQuery({
    queryKey: ['templates', { workspace_id: w.id, limit: 500 }],
    queryFn: () => api.templates.list({ workspace_id: w.id, limit: 500 }),
  });
  const [form, setForm] = useState({ title: '', template: '', message: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const title = form.title.trim() || undefined;
    const message = form.message.trim() || undefined;
    try {
      const chat: Chat = form.template
        ? await api.templates.apply(w.id, form.template, { title, message })
        : await api.chats.create({ workspace: w.id, title, message });
      qc.setQueryData(['chat', chat.id], chat);
      void qc.invalidateQueries({ queryKey: ['chats'] });
      void navigate({
        to: '/workspaces/$workspaceId/chats/$chatId',
        params: { workspaceId: chat.workspace_id, chatId: chat.id },
      });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  const picked = templates.data?.data.find((t) => t.id === form.template);
  return (
    <Modal title={`New chat in ${w.name}`} onClose={() => !busy && onClose()}>
      <form className="form" onSubmit={submit} aria-label="New chat">
        <label>
          Title
          <input value={form.title} onChange={set('title')} maxLength={200} placeholder="optional" />
        </label>
        <label>
          Start from
          <select value={form.template} onChange={set('template')} disabled={templates.isPending}>
            <option value="">Blank chat (every tool of the workspace)</option>
            {templates.data?.data.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} · {t.scope} · v{t.version} · {t.approval_policy}
              </option>
            ))}
          </select>
        </label>
        {templates.isError && (
          <p className="error-text" role="alert">
            Could not list the templates: {errorText(templates.error)}
          </p>
        )}
        {picked && (
          <p className="muted">
            {picked.description || 'No description.'} Pinned to version {picked.version}:{' '}
            {picked.allowed_tools.length} allowed tool{picked.allowed_tools.length === 1 ? '' : 's'} (
            {picked.allowed_tools.join(', ') || 'none'}), policy {picked.approval_policy}.
          </p>
        )}
        <label>
          First message
          <textarea
            value={form.message}
            onChange={set('message')}
            maxLength={MAX_CHAT_MESSAGE_CHARS}
            rows={3}
            placeholder="optional; with a model it starts the first turn"
          />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="row end">
          <button className="btn" type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="btn primary" type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create chat'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
