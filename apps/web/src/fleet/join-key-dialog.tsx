import { useQueryClient } from '@tanstack/react-query';
import type { JoinKey } from '@xem/protocol';
import { useState, type FormEvent } from 'react';
import { api } from '../ops-client';
import { when } from '../ui/format';
import { Modal } from '../ui/modal';
import { errorText } from '../ui/states';
import { CopyBlock } from './copy-button';
import { useWorkspaces } from './fleet-queries';
import { startCommand } from './start-command';

/**
 * "Generate join key": a form (name, workspace, region, TTL, max uses), then the key — shown
 * exactly once — with the command that starts an agent with it. The page keeps the dialog in its
 * URL (`?dialog=join-key`, then `&created=<id>`); after a reload the key is gone for good, and the
 * dialog says so instead of showing the form again.
 */
export function JoinKeyDialog({
  created,
  onCreated,
  onClose,
}: {
  created: string | undefined;
  onCreated: (joinKeyId: string) => void;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const workspaces = useWorkspaces();
  const [form, setForm] = useState({ name: '', workspace: '', region: '', ttl: '24', uses: '1' });
  const [result, setResult] = useState<{ key: string; joinKey: JoinKey } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.createJoinKey({
        name: form.name.trim() || undefined,
        region: form.region.trim() || undefined,
        workspace_id: form.workspace || undefined,
        ttl_hours: Number(form.ttl),
        max_uses: Number(form.uses),
      });
      setResult({ key: r.key, joinKey: r.join_key });
      void qc.invalidateQueries({ queryKey: ['join-keys'] });
      onCreated(r.join_key.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (result && created === result.joinKey.id) {
    const k = result.joinKey;
    const ws = workspaces.data?.find((w) => w.id === k.workspace_id);
    return (
      <Modal title="Join key created" onClose={onClose} wide>
        <div className="stack">
          <p className="notice" role="status">
            Copy the key now: <strong>it will not be shown again.</strong> Only its prefix ({k.prefix}) is
            stored.
          </p>
          <CopyBlock label="Join key" value={result.key} copyLabel="Copy key" />
          <CopyBlock
            label="Start an agent with it (in a checkout of this repository, after npm install)"
            value={startCommand(window.location.origin, result.key, k.name)}
            copyLabel="Copy command"
          />
          <p className="muted">
            {k.name}: {k.max_uses} use{k.max_uses === 1 ? '' : 's'}, region {k.region}, binds agents to{' '}
            {ws ? ws.name : (k.workspace_id ?? 'the default workspace')}, valid until {when(k.expires_at)}.
            {k.max_uses > 1 && ' Give each agent its own XEM_REGISTRATION_NAME.'}
          </p>
          <div className="row end">
            <button className="btn primary" type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      </Modal>
    );
  }
  if (created) {
    return (
      <Modal title="Join key created" onClose={onClose}>
        <div className="stack">
          <p>
            Join key <span className="mono">{created}</span> was created. Its secret was shown once and cannot
            be shown again. If it was not copied, revoke it and generate another.
          </p>
          <div className="row end">
            <button className="btn primary" type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title="Generate join key" onClose={() => !busy && onClose()}>
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input value={form.name} onChange={set('name')} maxLength={100} placeholder="join key" />
        </label>
        <label>
          Workspace
          <select value={form.workspace} onChange={set('workspace')}>
            <option value="">Default workspace</option>
            {workspaces.data?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
                {w.is_default ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <input value={form.region} onChange={set('region')} maxLength={24} placeholder="default" />
        </label>
        <div className="grid2">
          <label>
            Valid for (hours)
            <input type="number" min={1} max={8760} required value={form.ttl} onChange={set('ttl')} />
          </label>
          <label>
            Max uses
            <input type="number" min={1} max={10000} required value={form.uses} onChange={set('uses')} />
          </label>
        </div>
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
            {busy ? 'Generating…' : 'Generate'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
