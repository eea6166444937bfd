import { Link } from '@tanstack/react-router';

/** A template that does not exist (or no longer: deleted templates are 404 everywhere). */
export function TemplateNotFound({ templateId }: { templateId: string }) {
  return (
    <div className="state empty" data-state="template-not-found">
      <strong>Template not found</strong>
      <div className="muted">
        <span className="mono">{templateId}</span> does not exist or was deleted.{' '}
        <Link to="/templates">Back to the templates</Link>
      </div>
    </div>
  );
}
