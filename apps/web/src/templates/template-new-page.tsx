import { useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { api } from '../ops-client';
import { appRoute } from '../routes/app-route';
import { isOwner, useSession } from '../session/use-session';
import { TemplateForm } from './template-form';
import { createBody, EMPTY_TEMPLATE, serverErrors } from './template-form-values';
import './templates.css';

/** /ops/templates/new: version 1 of a new template. */
function TemplateNewPage() {
  const session = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const canWrite = isOwner(session);
  return (
    <section className="page">
      <div className="page-head">
        <Link to="/templates" className="muted">
          Templates
        </Link>
        <span className="muted">/</span>
        <h2>New template</h2>
      </div>
      {!canWrite && (
        <p className="notice" role="status">
          Read-only: templates are created by the project&apos;s owners and system admins.
        </p>
      )}
      <div className="card">
        <TemplateForm
          initial={EMPTY_TEMPLATE}
          mode="create"
          isAdmin={session.user.is_admin}
          readOnly={!canWrite}
          submitLabel="Create template"
          onSubmit={async (values) => {
            const { body, errors } = createBody(values);
            if (Object.keys(errors).length) return errors;
            try {
              const t = await api.templates.create(body);
              qc.setQueryData(['template', t.id], t);
              void qc.invalidateQueries({ queryKey: ['templates'] });
              await navigate({ to: '/templates/$templateId', params: { templateId: t.id } });
              return {};
            } catch (err) {
              return serverErrors(err);
            }
          }}
          footer={
            <Link to="/templates" className="btn">
              Cancel
            </Link>
          }
        />
      </div>
    </section>
  );
}

export const templateNewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates/new',
  component: TemplateNewPage,
});
