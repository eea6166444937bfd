import { useQueryClient } from '@tanstack/react-query';
import type { Scope } from '@xem/protocol';
import { useState, type FormEvent } from 'react';
import { api } from '../ops-client';
import { Modal } from '../ui/modal';
import { errorText } from '../ui/states';

const SCOPES: { scope: Scope; what: string }[] = [
  { scope: 'execution', what: 'run tools, read executions, decide approvals' },
  { scope: 'management', what: 'members, keys, the fleet, workspaces, webhooks' },
  { scope: 'inference', what: 'model endpoints' },
];

/** New API key: name, scopes, optional expiry. The caller shows the secret (returned once). */
export function ApiKeyForm({
  onCreated,
  onClose,
}: {
  onCreated: (id: string, secret: string) => void;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['execution']);
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.createKey({ name, scopes, expires_in_days: days ? Number(days) : undefined });
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      onCreated(r.api_key.id, r.key);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <Modal title="Create API key" onClose={() => !busy && onClose()}>
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map(({ scope, what }) => (
            <label key={scope} className="inline">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />
              {scope} <span className="muted">— {what}</span>
            </label>
          ))}
        </fieldset>
        <label>
          Expires after (days, empty for never)
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
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
          <button className="btn primary" type="submit" disabled={busy || scopes.length === 0}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
