import { useQueryClient } from '@tanstack/react-query';
import type { Agent } from '@xem/protocol';
import { useState } from 'react';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';
import { storeAgent } from './fleet-queries';

/** Reason sent when the operator gives none (the API wants one; it is shown as the status reason). */
export const DEFAULT_PAUSE_REASON = 'paused from the dashboard';

/**
 * Pause / resume / drain / revoke credentials for one agent, each behind a dialog that names what
 * happens; the server's error shows in the dialog. Only the controls that make sense for the
 * agent's status are offered (a revoked agent has none: it must enroll again).
 */
export function AgentActions({ agent }: { agent: Agent }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const name = agent.registration_name;
  const done = (a: Agent) => storeAgent(qc, a);
  if (agent.status === 'revoked') return <span className="muted">must enroll again</span>;
  const canPause = agent.status === 'online' || agent.status === 'offline';
  const canResume = agent.status === 'paused' || agent.status === 'offline';
  return (
    <div className="row agent-actions">
      {canPause && (
        <ConfirmButton
          label="Pause"
          title={`Pause ${name}?`}
          confirmLabel="Pause agent"
          onConfirm={async () => {
            done(await api.pauseAgentExec(agent.id, { reason: reason.trim() || DEFAULT_PAUSE_REASON }));
            setReason('');
          }}
        >
          <p>
            No new executions are dispatched to <strong>{name}</strong> until it is resumed. Executions
            running on it now finish. The pause survives reconnects.
          </p>
          <label>
            Reason (optional)
            <input
              value={reason}
              maxLength={500}
              placeholder={DEFAULT_PAUSE_REASON}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        </ConfirmButton>
      )}
      {canResume && (
        <ConfirmButton
          label="Resume"
          title={`Resume ${name}?`}
          confirmLabel="Resume agent"
          onConfirm={async () => done(await api.resumeAgentExec(agent.id))}
        >
          <p>
            <strong>{name}</strong> takes new executions again as soon as its lease is live; queued work for
            its workspaces is dispatched at once.
          </p>
        </ConfirmButton>
      )}
      {agent.status !== 'draining' && (
        <ConfirmButton
          label="Drain"
          title={`Drain ${name}?`}
          confirmLabel="Drain agent"
          onConfirm={async () => done(await api.drainAgent(agent.id))}
        >
          <p>
            <strong>{name}</strong> finishes the {agent.in_flight} execution{agent.in_flight === 1 ? '' : 's'}{' '}
            it runs now, takes no more, and goes offline when its connection closes. It cannot be resumed from
            here: it comes back when the agent process restarts.
          </p>
        </ConfirmButton>
      )}
      <ConfirmButton
        label="Revoke"
        title={`Revoke the credentials of ${name}?`}
        confirmLabel="Revoke credentials"
        danger
        onConfirm={async () => done(await api.revokeAgentCredentials(agent.id))}
      >
        <p>
          Every credential of <strong>{name}</strong> is revoked and its connection is closed at once. It
          cannot connect or refresh again; to bring it back, enroll it again with a new join key and the same
          registration name.
        </p>
      </ConfirmButton>
    </div>
  );
}
