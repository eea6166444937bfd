import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { fetchAll } from '../fetch-all';
import { api } from '../ops-client';
import { useSession } from '../session/use-session';
import { ConfirmButton } from '../ui/confirm-button';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';

/** Project members (change role, remove) and open invitations (revoke). */
export function MembersCard({ action }: { action: ReactNode }) {
  const qc = useQueryClient();
  const me = useSession().user.id;
  const members = useQuery({ queryKey: ['members'], queryFn: () => fetchAll((q) => api.listMembers(q)) });
  const invitations = useQuery({
    queryKey: ['invitations'],
    queryFn: () => fetchAll((q) => api.listInvitations(q)),
  });
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['members'] }),
      qc.invalidateQueries({ queryKey: ['invitations'] }),
    ]);
  return (
    <div className="card stack">
      <div className="row between">
        <h3>Members</h3>
        {action}
      </div>
      {members.isPending ? (
        <Loading what="Loading members" />
      ) : members.isError ? (
        <ErrorState error={members.error} retry={() => void members.refetch()} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>E-mail</th>
                <th>Role</th>
                <th>Joined</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => {
                const next = m.role === 'owner' ? 'member' : 'owner';
                return (
                  <tr key={m.user_id} data-member={m.email}>
                    <td>
                      {m.name || '—'} {m.user_id === me && <span className="muted">(you)</span>}
                    </td>
                    <td>{m.email}</td>
                    <td>
                      <span className={m.role === 'owner' ? 'badge info' : 'badge mute'}>{m.role}</span>
                    </td>
                    <td>
                      <TimeAgo at={m.joined_at} />
                    </td>
                    <td>
                      <div className="row">
                        <ConfirmButton
                          label={`Make ${next}`}
                          title={`Make ${m.email} ${next === 'owner' ? 'an owner' : 'a member'}?`}
                          onConfirm={async () => {
                            await api.setMemberRole(m.user_id, next);
                            await refresh();
                          }}
                        >
                          <p>
                            {next === 'owner'
                              ? 'Owners manage members, keys, join keys, the fleet and approval policies, and approve any risk.'
                              : 'Members can run tools and read the project, but not change its settings or the fleet.'}{' '}
                            Their open sessions end and they sign in again.
                          </p>
                        </ConfirmButton>
                        <ConfirmButton
                          label="Remove"
                          title={`Remove ${m.email} from the project?`}
                          confirmLabel="Remove member"
                          danger
                          onConfirm={async () => {
                            await api.removeMember(m.user_id);
                            await refresh();
                          }}
                        >
                          <p>
                            {m.email} loses access to this project at once; their sessions end. Their API keys
                            of this project stop working. A project always keeps at least one owner.
                          </p>
                        </ConfirmButton>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h3>Open invitations</h3>
      {invitations.isPending ? (
        <Loading what="Loading invitations" />
      ) : invitations.isError ? (
        <ErrorState error={invitations.error} retry={() => void invitations.refetch()} />
      ) : invitations.data.length === 0 ? (
        <Empty title="No open invitations" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>E-mail</th>
                <th>Role</th>
                <th>Invited</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((i) => (
                <tr key={i.id} data-invitation={i.email}>
                  <td>{i.email}</td>
                  <td>{i.role}</td>
                  <td>
                    <TimeAgo at={i.created_at} />
                  </td>
                  <td>
                    <TimeAgo at={i.expires_at} />
                  </td>
                  <td>
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke the invitation of ${i.email}?`}
                      confirmLabel="Revoke invitation"
                      danger
                      onConfirm={async () => {
                        await api.revokeInvitation(i.id);
                        await refresh();
                      }}
                    >
                      <p>The invitation link stops working; invite again to send a new one.</p>
                    </ConfirmButton>
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
