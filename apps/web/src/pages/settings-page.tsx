import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { JoinKeysCard } from '../agents/join-keys-card';
import { JoinKeyDialog } from '../fleet/join-key-dialog';
import '../fleet/fleet.css';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { isOwner, useSession } from '../session/use-session';
import { ApiKeyForm } from '../settings/api-key-dialog';
import { ApiKeysCard } from '../settings/api-keys-card';
import { MemberForm } from '../settings/member-dialog';
import { MembersCard } from '../settings/members-card';
import { ShownOnceDialog } from '../settings/shown-once';

type Dialog = 'member' | 'api-key' | 'join-key';

/**
 * Owners' settings: members, API keys, join keys. Dialogs live in the URL (`?dialog=…`, then
 * `&created=<id>`); a secret the server returns once is kept in memory only, so a reload shows
 * that it is gone rather than the form again.
 */
function SettingsPage() {
  const search = settingsRoute.useSearch();
  const navigate = useNavigate({ from: '/settings' });
  const session = useSession();
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(null);
  if (!isOwner(session))
    return (
      <div className="state empty" role="status">
        <strong>Owners only</strong>
        <div className="muted">Settings of this project are for its owners and administrators.</div>
      </div>
    );
  const open = (dialog: Dialog) => (
    <Link className="btn primary" to="/settings" search={{ dialog }}>
      {dialog === 'member' ? 'Add member' : dialog === 'api-key' ? 'Create API key' : 'Generate join key'}
    </Link>
  );
  const close = () => void navigate({ search: {} });
  const reveal = (dialog: Dialog, id: string, value: string | null) => {
    setSecret(value === null ? null : { id, value });
    void navigate({ search: { dialog, created: id }, replace: true });
  };
  const shown = secret && secret.id === search.created ? secret.value : null;

  return (
    <section className="page">
      <div className="page-head">
        <h2>Settings</h2>
        <span className="muted">members, API keys and join keys of this project</span>
      </div>
      <MembersCard action={open('member')} />
      <ApiKeysCard action={open('api-key')} onRotated={(id, value) => reveal('api-key', id, value)} />
      <JoinKeysCard owner action={open('join-key')} />

      {search.dialog === 'member' &&
        (search.created ? (
          <ShownOnceDialog
            title="Invitation created"
            label="Invitation link (send it to them)"
            secret={shown}
            gone="The invitation was created; its link was shown once and cannot be shown again. Revoke it and invite again if it was lost."
            onClose={close}
          />
        ) : (
          <MemberForm
            onClose={close}
            onAdded={(r) => (r.invitation ? reveal('member', r.invitation.id, r.invite_url) : close())}
          />
        ))}
      {search.dialog === 'api-key' &&
        (search.created ? (
          <ShownOnceDialog
            title="API key created"
            label="API key"
            secret={shown}
            gone="The key was created; its secret was shown once and cannot be shown again. Revoke it and create another if it was lost."
            onClose={close}
          >
            <p className="muted">
              Use it as <span className="mono">Authorization: Bearer &lt;key&gt;</span>, or with{' '}
              <span className="mono">xeroctl --api-key</span>.
            </p>
          </ShownOnceDialog>
        ) : (
          <ApiKeyForm onClose={close} onCreated={(id, value) => reveal('api-key', id, value)} />
        ))}
      {search.dialog === 'join-key' && (
        <JoinKeyDialog
          created={search.created}
          onCreated={(id) => void navigate({ search: { dialog: 'join-key', created: id }, replace: true })}
          onClose={close}
        />
      )}
    </section>
  );
}

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  validateSearch: (s: Record<string, unknown>): { dialog?: string; created?: string } =>
    compact({ dialog: str(s.dialog), created: str(s.created) }),
  component: SettingsPage,
});
