import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Agent, Workspace } from '@xem/protocol';
import { useState } from 'react';
import { AgentStatus } from '../fleet/agent-status';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';
import { Empty, errorText } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

/** Agents bound to a workspace; owners bind another agent or unbind one. */
export function WorkspaceAgents({
  workspace: w,
  agents,
  owner,
}: {
  workspace: Workspace;
  agents: readonly Agent[];
  owner: boolean;
}) {
  const qc = useQueryClient();
  const [pick, setPick] = useState('');
  const [bindError, setBindError] = useState<string | null>(null);
  const bound = agents.filter((a) => w.agent_ids.includes(a.id));
  const unbound = agents.filter((a) => !w.agent_ids.includes(a.id) && a.status !== 'revoked');
  const changed = async (next: Workspace) => {
    qc.setQueryData(['workspace', w.id], next);
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['workspaces'] }),
      qc.invalidateQueries({ queryKey: ['agents'] }),
      qc.invalidateQueries({ queryKey: ['tools'] }),
    ]);
  };
  return (
    <div className="card stack">
      <div className="row between">
        <h3>Agents ({bound.length})</h3>
        {owner && unbound.length > 0 && (
          <form
            className="row"
            onSubmit={async (e) => {
              e.preventDefault();
              setBindError(null);
              try {
                await changed(await api.bindAgent(w.id, pick));
                setPick('');
              } catch (err) {
                setBindError(errorText(err));
              }
            }}
          >
            <label className="inline">
              <span className="sr-only">Agent to bind</span>
              <select value={pick} onChange={(e) => setPick(e.target.value)} required>
                <option value="">Choose an agent…</option>
                {unbound.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.registration_name} ({a.status})
                  </option>
                ))}
              </select>
            </label>
            <button className="btn" type="submit" disabled={!pick}>
              Bind agent
            </button>
            {bindError && (
              <span className="error-text" role="alert">
                {bindError}
              </span>
            )}
          </form>
        )}
      </div>
      {bound.length === 0 ? (
        <Empty title="No agent serves this workspace">
          Its executions wait in the queue until one is bound.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Status</th>
                <th className="num">Tools</th>
                <th>Last heartbeat</th>
                <th className="num">In flight</th>
                {owner && <th />}
              </tr>
            </thead>
            <tbody>
              {bound.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to="/agents/$agentId/workspaces" params={{ agentId: a.id }}>
                      {a.registration_name}
                    </Link>{' '}
                    <span className="muted sub-line">{a.hostname}</span>
                  </td>
                  <td>
                    <AgentStatus agent={a} />
                    {a.paused_workspace_ids.includes(w.id) && <span className="badge warn">paused here</span>}
                  </td>
                  <td className="num">{a.tool_count}</td>
                  <td>
                    <TimeAgo at={a.last_heartbeat_at} />
                  </td>
                  <td className="num">
                    {a.in_flight} / {a.max_concurrency}
                  </td>
                  {owner && (
                    <td>
                      <ConfirmButton
                        label="Unbind"
                        title={`Unbind ${a.registration_name} from ${w.name}?`}
                        confirmLabel="Unbind agent"
                        danger
                        onConfirm={async () => changed(await api.unbindAgent(w.id, a.id))}
                      >
                        <p>
                          {a.registration_name} gets no new executions of {w.name}; what it runs now finishes.{' '}
                          {bound.length === 1 && 'It is the only agent here: new work will wait.'}
                        </p>
                      </ConfirmButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
