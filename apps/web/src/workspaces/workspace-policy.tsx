import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { fetchAll } from '../fetch-all';
import { api } from '../ops-client';
import { when } from '../ui/format';
import { Modal } from '../ui/modal';
import { Empty, ErrorState, Loading } from '../ui/states';
import { PolicyLevelsTable } from './policy-levels-table';

/*
 * Read-only: the dashboard shows the policy in force and its versions; owners change it with
 * `PUT …/approval-policy` (xeroctl or the API, docs/approvals.md). ox.workspace.policy_updated
 * refreshes ['workspace', id], so the policy keys sit under it.
 */

/** The approval policy in force, summarised per level, with a link to its versions. */
export function WorkspacePolicy({ workspaceId }: { workspaceId: string }) {
  const q = useQuery({
    queryKey: ['workspace', workspaceId, 'policy'],
    queryFn: () => api.getApprovalPolicy(workspaceId),
  });
  return (
    <div className="card stack">
      <div className="row between">
        <h3>Approval policy</h3>
        {q.data && (
          <span className="muted">
            {q.data.version === 0
              ? 'built-in default (never changed)'
              : `version ${q.data.version}, ${when(q.data.updated_at)}${q.data.updated_by ? ` by ${q.data.updated_by}` : ''}`}{' '}
            ·{' '}
            <Link to="/workspaces/$workspaceId" params={{ workspaceId }} search={{ policy: 'versions' }}>
              versions
            </Link>
          </span>
        )}
      </div>
      {q.isPending ? (
        <Loading what="Loading the policy" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : (
        <PolicyLevelsTable levels={q.data.levels} />
      )}
      <p className="muted">
        Read-only here; owners change it through the API or xeroctl (docs/approvals.md).
      </p>
    </div>
  );
}

/** `?policy=versions[&version=N]`: stored versions, newest first, and the levels of one. */
export function PolicyVersionsDialog({ workspaceId, version }: { workspaceId: string; version?: number }) {
  const navigate = useNavigate({ from: '/workspaces/$workspaceId' });
  const list = useQuery({
    queryKey: ['workspace', workspaceId, 'policy-versions'],
    queryFn: () => fetchAll((q) => api.listApprovalPolicyVersions(workspaceId, q)),
  });
  const one = useQuery({
    queryKey: ['workspace', workspaceId, 'policy-version', version],
    queryFn: () => api.getApprovalPolicyVersion(workspaceId, version ?? 0),
    enabled: version !== undefined,
  });
  return (
    <Modal title="Approval policy versions" wide onClose={() => void navigate({ search: {} })}>
      <div className="stack">
        {list.isPending ? (
          <Loading what="Loading versions" />
        ) : list.isError ? (
          <ErrorState error={list.error} />
        ) : (
          <div className="row">
            {list.data.length === 0 && (
              <Empty title="No stored versions">The built-in default (version 0) applies.</Empty>
            )}
            {[...list.data.map((p) => p.version), 0].map((v) => (
              <Link
                key={v}
                className={v === version ? 'btn small primary' : 'btn small'}
                to="/workspaces/$workspaceId"
                params={{ workspaceId }}
                search={{ policy: 'versions', version: v }}
              >
                {v === 0 ? 'v0 (default)' : `v${v}`}
              </Link>
            ))}
          </div>
        )}
        {version !== undefined &&
          (one.isPending ? (
            <Loading what={`Loading version ${version}`} />
          ) : one.isError ? (
            <ErrorState error={one.error} />
          ) : (
            <>
              <p className="muted">
                Version {one.data.version}
                {one.data.updated_at && `, ${when(one.data.updated_at)}`}
                {one.data.updated_by && ` by ${one.data.updated_by}`}
              </p>
              <PolicyLevelsTable levels={one.data.levels} />
            </>
          ))}
      </div>
    </Modal>
  );
}
