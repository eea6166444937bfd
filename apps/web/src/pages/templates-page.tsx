import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { TemplateScope } from '@xem/protocol';
import { useEffect, useState } from 'react';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { Empty, ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { PolicyBadge, ScopeBadge, Tags } from '../templates/template-labels';
import { useTemplates, useWorkspaces } from '../templates/template-queries';
import '../templates/templates.css';

type Search = { scope?: string; workspace?: string; q?: string; cursor?: string };

/** Chat templates of the project and the platform: filters and page in the URL, live. */
function TemplatesPage() {
  const search = templatesRoute.useSearch();
  const navigate = useNavigate({ from: '/templates' });
  const session = useSession();
  const workspaces = useWorkspaces();
  const scope = TemplateScope.safeParse(search.scope).data;
  const list = useTemplates({ scope, workspace_id: search.workspace, q: search.q, cursor: search.cursor });
  const wsName = new Map((workspaces.data ?? []).map((w) => [w.id, w.name]));
  const setFilter = (patch: Partial<Search>) =>
    void navigate({ search: (s) => compact({ ...s, ...patch, cursor: undefined }), replace: true });

  // The name search follows typing (debounced) and the URL (back and forward).
  const [text, setText] = useState(search.q ?? '');
  const [seenQ, setSeenQ] = useState(search.q);
  if (seenQ !== search.q) {
    setSeenQ(search.q);
    setText(search.q ?? '');
  }
  useEffect(() => {
    const q = text.trim() || undefined;
    if (q === search.q) return;
    const h = setTimeout(() => setFilter({ q }), 300);
    return () => clearTimeout(h);
  });

  const filtered = Boolean(search.scope || search.workspace || search.q);
  return (
    <section className="page">
      <div className="page-head">
        <h2>Templates</h2>
        <div className="filters">
          <label>
            Scope
            <select
              value={search.scope ?? ''}
              onChange={(e) => setFilter({ scope: e.target.value || undefined })}
            >
              <option value="">All</option>
              {TemplateScope.options.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Usable in workspace
            <select
              value={search.workspace ?? ''}
              onChange={(e) => setFilter({ workspace: e.target.value || undefined })}
            >
              <option value="">Any</option>
              {(workspaces.data ?? []).map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Name contains
            <input type="search" value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />
          </label>
        </div>
        <div className="spacer" />
        {isOwner(session) && (
          <Link className="btn primary" to="/templates/new">
            New template
          </Link>
        )}
      </div>
      {list.isPending ? (
        <Loading what="Loading the templates" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <Empty title={filtered ? 'No template matches these filters' : 'No templates yet'}>
          {filtered
            ? 'Change or clear the filters.'
            : isOwner(session)
              ? 'Create one: a system prompt, the tools a chat may call and how strict its approvals are.'
              : "The project's owners create them."}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table tpl-table" aria-busy={list.isPlaceholderData}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Scope</th>
                <th>Workspace</th>
                <th>Approval policy</th>
                <th className="num">Tools</th>
                <th>Tags</th>
                <th className="num">Version</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((t) => (
                <tr
                  key={t.id}
                  className="clickable"
                  data-template-id={t.id}
                  onClick={() =>
                    void navigate({ to: '/templates/$templateId', params: { templateId: t.id } })
                  }
                >
                  <td>
                    <Link
                      to="/templates/$templateId"
                      params={{ templateId: t.id }}
                      onClick={(e) => e.stopPropagation()}
                    >
                      {t.name}
                    </Link>
                    {t.description && <div className="muted sub-line">{t.description}</div>}
                  </td>
                  <td>
                    <ScopeBadge scope={t.scope} />
                  </td>
                  <td>
                    {t.workspace_id ? (
                      (wsName.get(t.workspace_id) ?? t.workspace_id)
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <PolicyBadge policy={t.approval_policy} />
                  </td>
                  <td className="num" title={t.allowed_tools.join(', ')}>
                    {t.allowed_tools.length}
                  </td>
                  <td className="tpl-tags-cell">
                    <Tags tags={t.tags} />
                  </td>
                  <td className="num">v{t.version}</td>
                  <td>
                    <TimeAgo at={t.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && (search.cursor || list.data.next_cursor) && (
        <nav className="row" aria-label="Pages">
          {search.cursor && (
            <Link className="btn" to="/templates" search={(s: Search) => ({ ...s, cursor: undefined })}>
              First page
            </Link>
          )}
          {list.data.next_cursor && (
            <Link
              className="btn"
              to="/templates"
              search={(s: Search) => ({ ...s, cursor: list.data.next_cursor ?? undefined })}
            >
              Next page
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

export const templatesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates',
  validateSearch: (s: Record<string, unknown>): Search =>
    compact({ scope: str(s.scope), workspace: str(s.workspace), q: str(s.q), cursor: str(s.cursor) }),
  component: TemplatesPage,
});
