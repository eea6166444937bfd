import { useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { api } from '../ops-client';
import { appRoute } from '../routes/app-route';
import { useSession } from '../session/use-session';
import { ErrorState, Loading } from '../ui/states';
import { canWriteTemplate } from './can-write-template';
import { TemplateForm } from './template-form';
import { serverErrors, updateBody, valuesOf } from './template-form-values';
import { TemplateNotFound } from './template-not-found';
import { isNotFound, useTemplate } from './template-queries';
import './templates.css';

/** /ops/templates/:id/edit: the form prefilled with the current version; saving stores the next one. */
function TemplateEditPage() {
  const { templateId } = templateEditRoute.useParams();
  const session = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const q = useTemplate(templateId);
  const [notice, setNotice] = useState<string | null>(null);
  const startVersion = useRef<number | null>(null);
  if (q.isPending) return <Loading what="Loading the template" />;
  if (q.isError)
    return isNotFound(q.error) ? (
      <TemplateNotFound templateId={templateId} />
    ) : (
      <ErrorState error={q.error} retry={() => void q.refetch()} />
    );
  const t = q.data;
  startVersion.current ??= t.version;
  const canWrite = canWriteTemplate(session, t.scope);
  const moved = t.version !== startVersion.current;

  return (
    <section className="page">
      <div className="page-head">
        <Link to="/templates" className="muted">
          Templates
        </Link>
        <span className="muted">/</span>
        <Link to="/templates/$templateId" params={{ templateId }} className="muted">
          {t.name}
        </Link>
        <span className="muted">/</span>
        <h2>Edit</h2>
        <span className="muted">
          saving stores version {t.version + 1} (now {t.version})
        </span>
      </div>
      {!canWrite && (
        <p className="notice" role="status">
          Read-only:{' '}
          {t.scope === 'platform'
            ? 'platform templates are changed by system admins.'
            : "templates are changed by the project's owners and system admins."}
        </p>
      )}
      {moved && (
        <p className="notice" role="status">
          Someone stored version {t.version} since you opened this form. Saving replaces every field with what
          is shown here.
        </p>
      )}
      <div className="card">
        <TemplateForm
          initial={valuesOf(t)}
          mode="edit"
          isAdmin={session.user.is_admin}
          readOnly={!canWrite}
          submitLabel="Save as new version"
          notice={notice}
          onSubmit={async (values) => {
            setNotice(null);
            const { body, errors } = updateBody(values);
            if (Object.keys(errors).length) return errors;
            try {
              const saved = await api.templates.update(templateId, body);
              qc.setQueryData(['template', templateId], saved);
              if (saved.version === t.version) {
                setNotice(
                  `Nothing changed: nothing was stored, the template stays at version ${saved.version}.`,
                );
                return {};
              }
              void qc.invalidateQueries({ queryKey: ['templates'] });
              void qc.invalidateQueries({ queryKey: ['template', templateId, 'versions'] });
              await navigate({ to: '/templates/$templateId', params: { templateId } });
              return {};
            } catch (err) {
              return serverErrors(err);
            }
          }}
          footer={
            <Link to="/templates/$templateId" params={{ templateId }} className="btn">
              Cancel
            </Link>
          }
        />
      </div>
    </section>
  );
}

export const templateEditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates/$templateId/edit',
  component: TemplateEditPage,
});
