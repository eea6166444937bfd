import { useQueryClient } from '@tanstack/react-query';
import type { Agent, Workspace } from '@xem/protocol';
import { useState } from 'react';
import { DEFAULT_PAUSE_REASON } from '../fleet/agent-actions';
import { storeAgent } from '../fleet/fleet-queries';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';

/** Pause or resume dispatch to one agent for one workspace only (its other workspaces go on). */
export function AgentWorkspacePause({ agent, workspace }: { agent: Agent; workspace: Workspace }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const paused = agent.paused_workspace_ids.includes(workspace.id);
  if (agent.status === 'revoked') return null;
  return paused ? (
    <ConfirmButton
      label="Resume here"
      title={`Resume ${agent.registration_name} in ${workspace.name}?`}
      confirmLabel="Resume"
      onConfirm={async () =>
        storeAgent(qc, await api.resumeAgentExec(agent.id, { workspace_id: workspace.id }))
      }
    >
      <p>
        {agent.registration_name} takes executions of {workspace.name} again.
      </p>
    </ConfirmButton>
  ) : (
    <ConfirmButton
      label="Pause here"
      title={`Pause ${agent.registration_name} in ${workspace.name}?`}
      confirmLabel="Pause"
      onConfirm={async () => {
        const reasonText = reason.trim() || DEFAULT_PAUSE_REASON;
        storeAgent(
          qc,
          await api.pauseAgentExec(agent.id, { reason: reasonText, workspace_id: workspace.id }),
        );
        setReason('');
      }}
    >
      <p>
        No new executions of <strong>{workspace.name}</strong> go to {agent.registration_name}; its other
        workspaces are not affected and running executions finish.
      </p>
      <label>
        Reason (optional)
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
    </ConfirmButton>
  );
}
