import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Template } from '@xem/protocol';
import { useState, type ReactNode } from 'react';
import { api } from '../ops-client';
import { useSession } from '../session/use-session';
import { Modal } from '../ui/modal';
import { errorText } from '../ui/states';
import { canWriteTemplate } from './can-write-template';

/** The dialogs of the detail page, kept in its URL (`?dialog=`). */
export type TemplateDialog = 'delete' | 'promote-project' | 'promote-platform';

function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={title} onClose={() => !busy && onClose()}>
      <div className="stack">
        {children}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="row end">
          <button className="btn" type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            className={danger ? 'btn danger' : 'btn primary'}
            type="button"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
              } catch (err) {
                setError(errorText(err));
                setBusy(false);
              }
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </Modal>
  );
}

/**
 * Edit, Promote and Delete of the detail page, for those who may change the template (the server
 * refuses the others with owner_required / admin_required, shown in the dialog).
 */
export function TemplateActions({
  t,
  dialog,
  setDialog,
}: {
  t: Template;
  dialog: TemplateDialog | undefined;
  setDialog: (d: TemplateDialog | undefined) => void;
}) {
  const session = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  if (!canWriteTemplate(session, t.scope)) return null;
  const toPlatform = session.user.is_admin && t.scope !== 'platform';
  const toProject = t.scope === 'workspace';
  const close = () => setDialog(undefined);
  const promote = async (scope: 'project' | 'platform') => {
    const p = await api.templates.promote(t.id, scope);
    qc.setQueryData(['template', t.id], p);
    void qc.invalidateQueries({ queryKey: ['templates'] });
    close();
  };

  return (
    <div className="row tpl-actions">
      <Link className="btn primary" to="/templates/$templateId/edit" params={{ templateId: t.id }}>
        Edit
      </Link>
      {toProject && (
        <button className="btn" type="button" onClick={() => setDialog('promote-project')}>
          Promote to project
        </button>
      )}
      {toPlatform && (
        <button className="btn" type="button" onClick={() => setDialog('promote-platform')}>
          Promote to platform
        </button>
      )}
      <button className="btn danger" type="button" onClick={() => setDialog('delete')}>
        Delete
      </button>
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete template “${t.name}”?`}
          confirmLabel={`Delete “${t.name}”`}
          danger
          onClose={close}
          onConfirm={async () => {
            await api.templates.delete(t.id);
            await navigate({ to: '/templates', replace: true });
            qc.removeQueries({ queryKey: ['template', t.id] });
            void qc.invalidateQueries({ queryKey: ['templates'] });
          }}
        >
          <p>
            <strong>{t.name}</strong> ({t.scope}, version {t.version}) leaves every list and can no longer be
            applied to new chats. Its versions are kept for the chats already pinned to one. There is no
            undelete: its name becomes free for a new template.
          </p>
        </ConfirmDialog>
      )}
      {dialog === 'promote-project' && toProject && (
        <ConfirmDialog
          title={`Promote “${t.name}” to the project?`}
          confirmLabel="Promote to project"
          onClose={close}
          onConfirm={() => promote('project')}
        >
          <p>Chats in every workspace of this project can use it. A template is never narrowed again.</p>
        </ConfirmDialog>
      )}
      {dialog === 'promote-platform' && toPlatform && (
        <ConfirmDialog
          title={`Promote “${t.name}” to the platform?`}
          confirmLabel="Promote to platform"
          onClose={close}
          onConfirm={() => promote('platform')}
        >
          <p>
            Every project sees it, and from then on only system admins change it. Same template, same
            versions; it is never narrowed again.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
