import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { ApplyTemplateCard } from '../chats/apply-template-card';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { useSession } from '../session/use-session';
import { ErrorState, Loading } from '../ui/states';
import { TimeAgo } from '../ui/time-ago';
import { canWriteTemplate } from './can-write-template';
import { TemplateActions, type TemplateDialog } from './template-actions';
import { TemplateFieldsView } from './template-fields-view';
import { ScopeBadge } from './template-labels';
import { TemplateNotFound } from './template-not-found';
import {
  isNotFound,
  useTemplate,
  useTemplateVersion,
  useTemplateVersions,
  useWorkspaces,
} from './template-queries';
import { loadedVersions, TemplateVersions } from './template-versions';
import { UserName } from './user-name';
import { diffVersions } from './version-diff';
import './templates.css';

/** `?version=n`: a positive integer, else ignored (the current version is shown). */
function versionOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 1e9 ? n : undefined;
}

const DIALOGS = new Set<string>(['delete', 'promote-project', 'promote-platform']);

/**
 * /ops/templates/:id (?version=n shows an older version): the fields, the versions, the
 * actions, and "Apply to workspace" (a chat from the current version).
 */
function TemplateDetailPage() {
  const { templateId } = templateDetailRoute.useParams();
  const search = templateDetailRoute.useSearch();
  const navigate = useNavigate({ from: '/templates/$templateId' });
  const session = useSession();
  const q = useTemplate(templateId);
  const versions = useTemplateVersions(templateId);
  const workspaces = useWorkspaces();
  const asked = search.version;
  const old = q.data && asked !== undefined && asked !== q.data.version ? asked : undefined;
  const oldQ = useTemplateVersion(templateId, old);

  if (q.isPending) return <Loading what="Loading the template" />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <TemplateNotFound templateId={templateId} />
    ) : (
      <ErrorState error={q.error} retry={() => void q.refetch()} />
    );
  const t = q.data;
  const shown = old === undefined ? t.version : old;
  const list = loadedVersions(versions.data?.pages);
  const idx = list.findIndex((v) => v.version === shown);
  const changes = idx >= 0 && list[idx + 1] ? diffVersions(list[idx + 1]!, list[idx]!) : [];
  const wsName = workspaces.data?.find((w) => w.id === t.workspace_id)?.name ?? t.workspace_id;

  return (
    <section className="page">
      <div className="page-head">
        <Link to="/templates" className="muted">
          Templates
        </Link>
        <span className="muted">/</span>
        <h2 data-template-id={t.id}>{t.name}</h2>
        <ScopeBadge scope={t.scope} />
        <span className="badge mute">v{t.version}</span>
        <div className="spacer" />
        <TemplateActions
          t={t}
          dialog={search.dialog && DIALOGS.has(search.dialog) ? (search.dialog as TemplateDialog) : undefined}
          setDialog={(d) => void navigate({ search: (s) => ({ ...s, dialog: d }) })}
        />
      </div>
      {!canWriteTemplate(session, t.scope) && (
        <p className="notice" role="status">
          Read-only:{' '}
          {t.scope === 'platform'
            ? 'platform templates are changed by system admins.'
            : "templates are changed by the project's owners and system admins."}
        </p>
      )}
      <dl className="kv card tpl-meta">
        <dt>ID</dt>
        <dd className="mono">{t.id}</dd>
        <dt>Scope</dt>
        <dd>
          {t.scope}
          {t.scope === 'workspace' && (
            <>
              {' · workspace '}
              <strong>{wsName}</strong> <span className="muted mono">{t.workspace_id}</span>
            </>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <TimeAgo at={t.created_at} /> <span className="muted">by</span> <UserName id={t.created_by} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <TimeAgo at={t.updated_at} /> <span className="muted">by</span> <UserName id={t.updated_by} />
        </dd>
      </dl>
      <div className="tpl-detail">
        <div className="card stack">
          <div className="row between">
            <h3>
              Version {shown}
              {shown === t.version ? ' (current)' : ` of ${t.version}`}
            </h3>
            {old !== undefined && (
              <Link to="/templates/$templateId" params={{ templateId }} search={{}}>
                Show the current version
              </Link>
            )}
          </div>
          {old !== undefined && (
            <p className="notice" role="status">
              An older version: chats pinned to it keep using it; new chats get version {t.version}.
            </p>
          )}
          {changes.length > 0 && (
            <p className="muted tpl-changed-line">
              Changed from v{shown - 1}: {changes.map((c) => `${c.field} (${c.summary})`).join('; ')}
            </p>
          )}
          {old === undefined ? (
            <TemplateFieldsView v={t} changes={changes} />
          ) : oldQ.isPending ? (
            <Loading what={`Loading version ${old}`} />
          ) : oldQ.isError ? (
            isNotFound(oldQ.error) ? (
              <p className="error-text" role="alert">
                This template has no version {search.version}.
              </p>
            ) : (
              <ErrorState error={oldQ.error} retry={() => void oldQ.refetch()} />
            )
          ) : (
            <TemplateFieldsView v={oldQ.data} changes={changes} />
          )}
        </div>
        <div className="stack">
          <ApplyTemplateCard template={t} workspaces={workspaces.data ?? []} />
          <div className="card stack">
            <h3>Versions</h3>
            <TemplateVersions templateId={templateId} current={t.version} selected={shown} />
          </div>
        </div>
      </div>
    </section>
  );
}

export const templateDetailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates/$templateId',
  validateSearch: (s: Record<string, unknown>): { version?: number; dialog?: string } =>
    compact({ version: versionOf(s.version), dialog: str(s.dialog) }),
  component: TemplateDetailPage,
});
