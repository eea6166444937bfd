import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { fetchAll } from '../fetch-all';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';
import { StatusBadge } from '../ui/status-badge';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

/** API keys of the project (prefix only), with rotate and revoke. */
export function ApiKeysCard({
  action,
  onRotated,
}: {
  action: ReactNode;
  onRotated: (newKeyId: string, secret: string) => void;
}) {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => fetchAll((q) => api.listKeys(q)) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['api-keys'] });
  return (
    <div className="card stack">
      <div className="row between">
        <h3>API keys</h3>
        {action}
      </div>
      {keys.isPending ? (
        <Loading what="Loading API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <Empty title="No API keys">Scripts, xeroctl and MCP clients authenticate with one.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Scopes</th>
                <th>State</th>
                <th>Last used</th>
                <th>Expires</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-api-key={k.name}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>
                    {k.revoked_at ? (
                      <StatusBadge value="revoked" />
                    ) : !k.active ? (
                      <StatusBadge value="closed" label="expired" />
                    ) : k.rotated_to ? (
                      <StatusBadge value="draining" label="rotated (grace)" />
                    ) : (
                      <StatusBadge value="online" label="active" />
                    )}
                  </td>
                  <td>
                    <TimeAgo at={k.last_used_at} />
                  </td>
                  <td>
                    {k.expires_at ? <TimeAgo at={k.expires_at} /> : <span className="muted">never</span>}
                  </td>
                  <td>
                    <TimeAgo at={k.created_at} />
                  </td>
                  <td>
                    {k.active && (
                      <div className="row">
                        {!k.rotated_to && (
                          <ConfirmButton
                            label="Rotate"
                            title={`Rotate ${k.name}?`}
                            confirmLabel="Rotate key"
                            onConfirm={async () => {
                              const r = await api.rotateKey(k.id);
                              await refresh();
                              onRotated(r.api_key.id, r.key);
                            }}
                          >
                            <p>
                              A new key with the same scopes is created and shown once. The old key keeps
                              working for 24 hours, then stops: replace it everywhere before then.
                            </p>
                          </ConfirmButton>
                        )}
                        <ConfirmButton
                          label="Revoke"
                          title={`Revoke ${k.name}?`}
                          confirmLabel="Revoke key"
                          danger
                          onConfirm={async () => {
                            await api.revokeKey(k.id);
                            await refresh();
                          }}
                        >
                          <p>
                            Every request with <span className="mono">{k.prefix}…</span> is refused from now
                            on. This cannot be undone.
                          </p>
                        </ConfirmButton>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
