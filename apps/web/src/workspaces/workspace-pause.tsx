import { useQueryClient } from '@tanstack/react-query';
import type { Workspace } from '@xem/protocol';
import { useState } from 'react';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';

/** Pause (with a reason, which the API requires) or resume dispatch for a whole workspace. */
export function WorkspacePause({ workspace: w }: { workspace: Workspace }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const store = async (next: Workspace) => {
    qc.setQueryData(['workspace', w.id], next);
    await qc.invalidateQueries({ queryKey: ['workspaces'] });
  };
  return w.paused ? (
    <ConfirmButton
      label="Resume workspace"
      title={`Resume ${w.name}?`}
      confirmLabel="Resume"
      onConfirm={async () => store(await api.resumeWorkspace(w.id))}
    >
      <p>Queued executions of {w.name} are dispatched to its agents at once.</p>
    </ConfirmButton>
  ) : (
    <ConfirmButton
      label="Pause workspace"
      title={`Pause ${w.name}?`}
      confirmLabel="Pause workspace"
      danger
      onConfirm={async () => {
        if (!reason.trim()) throw new Error('Give a reason: it is shown to everyone whose work waits.');
        await store(await api.pauseWorkspace(w.id, { reason: reason.trim() }));
        setReason('');
      }}
    >
      <p>
        No execution of <strong>{w.name}</strong> is dispatched until it is resumed; new ones queue.
        Executions running now finish.
      </p>
      <label>
        Reason
        <input value={reason} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
      </label>
    </ConfirmButton>
  );
}
