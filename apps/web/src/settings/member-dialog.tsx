import { useQueryClient } from '@tanstack/react-query';
import type { AddMemberResponse, ProjectRole } from '@xem/protocol';
import { useState, type FormEvent } from 'react';
import { api } from '../ops-client';
import { Modal } from '../ui/modal';
import { errorText } from '../ui/states';

/** Add a member by e-mail: a known user joins at once, an unknown one gets an invitation link. */
export function MemberForm({
  onAdded,
  onClose,
}: {
  onAdded: (r: AddMemberResponse) => void;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.addMember({ email: email.trim(), role });
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['members'] }),
        qc.invalidateQueries({ queryKey: ['invitations'] }),
      ]);
      onAdded(r);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <Modal title="Add member" onClose={() => !busy && onClose()}>
      <form className="form" onSubmit={submit}>
        <label>
          E-mail
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
            <option value="member">member</option>
            <option value="owner">owner</option>
          </select>
        </label>
        <p className="muted">
          Someone without an account gets an invitation: its link is shown once, to send them yourself.
        </p>
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
            {busy ? 'Adding…' : 'Add member'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
