import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useJoinKeys, useWorkspaces } from '../fleet/fleet-queries';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';
import { when } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

/** Join keys of the project (prefix only: secrets are never stored), with revoke for owners. */
export function JoinKeysCard({ owner, action }: { owner: boolean; action?: ReactNode }) {
  const qc = useQueryClient();
  const keys = useJoinKeys();
  const workspaces = useWorkspaces();
  const wsName = (id: string | null) =>
    id === null ? 'default' : (workspaces.data?.find((w) => w.id === id)?.name ?? id);
  return (
    <div className="card stack" aria-labelledby="join-keys-title">
      <div className="row between">
        <h3 id="join-keys-title">Join keys</h3>
        {action}
      </div>
      {keys.isPending ? (
        <Loading what="Loading join keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <Empty title="No join keys">A join key lets a host enroll an agent into this project.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>State</th>
                <th>Workspace</th>
                <th>Region</th>
                <th className="num">Uses</th>
                <th>Expires</th>
                <th>Created</th>
                {owner && <th />}
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-join-key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td>
                    {k.active ? (
                      <StatusBadge value="online" label="active" />
                    ) : (
                      <StatusBadge
                        value={k.revoked_at ? 'revoked' : 'closed'}
                        label={k.revoked_at ? 'revoked' : k.uses >= k.max_uses ? 'used up' : 'expired'}
                      />
                    )}
                  </td>
                  <td>{wsName(k.workspace_id)}</td>
                  <td>{k.region}</td>
                  <td className="num">
                    {k.uses} / {k.max_uses}
                  </td>
                  <td title={when(k.expires_at)}>
                    <TimeAgo at={k.expires_at} />
                  </td>
                  <td>
                    <TimeAgo at={k.created_at} />
                  </td>
                  {owner && (
                    <td>
                      {k.active && (
                        <ConfirmButton
                          label="Revoke"
                          title={`Revoke join key ${k.name}?`}
                          confirmLabel="Revoke join key"
                          danger
                          onConfirm={async () => {
                            await api.revokeJoinKey(k.id);
                            await qc.invalidateQueries({ queryKey: ['join-keys'] });
                          }}
                        >
                          <p>
                            No agent can enroll with <span className="mono">{k.prefix}…</span> any more.
                            Agents already enrolled with it keep working.
                          </p>
                        </ConfirmButton>
                      )}
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
