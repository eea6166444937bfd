import { Link } from '@tanstack/react-router';
import type { Agent, Tool, Workspace } from '@xem/protocol';
import { AgentActions } from '../fleet/agent-actions';
import { AgentStatus } from '../fleet/agent-status';
import { toolsOf } from '../fleet/fleet-queries';
import { when } from '../ui/format';
import { ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { AgentDescriptionForm } from './agent-description-form';
import { ToolList } from './tool-list';

/** What the credential state is, from the agent's status (the API keeps credentials server-side). */
function credentialsState(a: Agent): string {
  return a.status === 'revoked'
    ? 'revoked — must enroll again with a new join key'
    : 'active (refreshed by signed challenge)';
}

/** Enrollment and configuration of one agent. */
export function AgentDetail({
  agent: a,
  workspaces,
  tools,
  toolsError,
  owner,
}: {
  agent: Agent;
  workspaces: readonly Workspace[];
  /** Undefined while the catalogue loads. */
  tools: readonly Tool[] | undefined;
  toolsError?: unknown;
  owner: boolean;
}) {
  const bound = workspaces.filter((w) => a.workspace_ids.includes(w.id));
  return (
    <div className="card stack" role="region" aria-label={`Agent ${a.registration_name}`}>
      <div className="row between">
        <h3>{a.registration_name}</h3>
        <AgentStatus agent={a} />
      </div>
      <dl className="kv">
        <dt>Agent id</dt>
        <dd className="mono">{a.id}</dd>
        <dt>Hostname</dt>
        <dd>{a.hostname || '—'}</dd>
        <dt>Region</dt>
        <dd>{a.region}</dd>
        <dt>Version</dt>
        <dd className="mono">{a.version}</dd>
        <dt>Enrolled</dt>
        <dd>
          {when(a.created_at)} (<TimeAgo at={a.created_at} />)
        </dd>
        <dt>Last heartbeat</dt>
        <dd>
          <TimeAgo at={a.last_heartbeat_at} />
        </dd>
        <dt>Lease</dt>
        <dd>
          {a.lease_expires_at ? (
            <>
              expires <TimeAgo at={a.lease_expires_at} />
            </>
          ) : (
            'none (not connected)'
          )}
        </dd>
        <dt>Credentials</dt>
        <dd>{credentialsState(a)}</dd>
        <dt>Max concurrency</dt>
        <dd>
          {a.max_concurrency} ({a.in_flight} running now)
        </dd>
        <dt>Manifest</dt>
        <dd>
          version {a.manifest_version}, {a.tool_count} tools
          {a.manifest_hash && <span className="mono muted"> · {a.manifest_hash.slice(0, 12)}</span>}
        </dd>
        <dt>Workspaces</dt>
        <dd>
          {bound.length === 0
            ? 'none'
            : bound.map((w, i) => (
                <span key={w.id}>
                  {i > 0 && ', '}
                  <Link to="/workspaces/$workspaceId" params={{ workspaceId: w.id }}>
                    {w.name}
                  </Link>
                  {a.paused_workspace_ids.includes(w.id) && ' (paused)'}
                </span>
              ))}{' '}
          ·{' '}
          <Link to="/agents/$agentId/workspaces" params={{ agentId: a.id }}>
            per-workspace view
          </Link>
        </dd>
      </dl>
      {owner ? (
        <AgentDescriptionForm key={a.id} agent={a} />
      ) : (
        <p>{a.description || <span className="muted">No description.</span>}</p>
      )}
      {owner && <AgentActions agent={a} />}
      <h3>Tools ({a.tool_count})</h3>
      {toolsError ? (
        <ErrorState error={toolsError} />
      ) : tools === undefined ? (
        <Loading what="Loading tools" />
      ) : (
        <ToolList tools={toolsOf(tools, a.id)} empty="No tools in this agent's manifest" />
      )}
    </div>
  );
}
