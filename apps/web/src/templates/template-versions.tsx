import { Link } from '@tanstack/react-router';
import type { TemplateVersion } from '@xem/protocol';
import { ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { useTemplateVersions } from './template-queries';
import { UserName } from './user-name';
import { diffVersions } from './version-diff';

/** The versions loaded so far, newest first, and what each changed from the one before it. */
export function loadedVersions(pages: { data: TemplateVersion[] }[] | undefined): TemplateVersion[] {
  return (pages ?? []).flatMap((p) => p.data);
}

/** Every version of a template, newest first; each one a link to ?version=n. */
export function TemplateVersions({
  templateId,
  current,
  selected,
}: {
  templateId: string;
  current: number;
  selected: number;
}) {
  const q = useTemplateVersions(templateId);
  if (q.isPending) return <Loading what="Loading the versions" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  const versions = loadedVersions(q.data.pages);
  return (
    <div className="stack">
      <div className="table-wrap">
        <table className="table tpl-versions" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Stored</th>
              <th>By</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => {
              const prev = versions[i + 1];
              const changes = prev ? diffVersions(prev, v) : [];
              const isSelected = v.version === selected;
              return (
                <tr key={v.version} data-version={v.version} className={isSelected ? 'selected' : undefined}>
                  <td>
                    <Link
                      to="/templates/$templateId"
                      params={{ templateId }}
                      search={v.version === current ? {} : { version: v.version }}
                      aria-current={isSelected ? 'true' : undefined}
                    >
                      v{v.version}
                    </Link>{' '}
                    {v.version === current && <span className="badge ok">current</span>}
                  </td>
                  <td>
                    <TimeAgo at={v.created_at} />
                  </td>
                  <td>
                    <UserName id={v.created_by} />
                  </td>
                  <td className="tpl-changes">
                    <div className="tpl-change-list">
                      {v.version === 1 ? (
                        <span className="muted">created</span>
                      ) : prev ? (
                        changes.length ? (
                          changes.map((c) => (
                            <span key={c.field} className="tpl-change" title={c.summary}>
                              <strong>{c.field}</strong> {c.summary}
                            </span>
                          ))
                        ) : (
                          <span className="muted">no field changed</span>
                        )
                      ) : (
                        <span className="muted">load older versions to compare</span>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {q.hasNextPage && (
        <button
          className="btn"
          type="button"
          disabled={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          {q.isFetchingNextPage ? 'Loading…' : 'Load older versions'}
        </button>
      )}
    </div>
  );
}
