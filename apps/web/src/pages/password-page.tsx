import { useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { XemApiError } from '@xem/client';
import { useState, type FormEvent } from 'react';
import { ops } from '../ops-client';
import { appRoute } from '../routes/app-route';
import { SESSION_KEY, useSession } from '../session/use-session';

/** Change the password; required before anything else when the account has an initial one. */
function PasswordPage() {
  const session = useSession();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      qc.setQueryData(
        SESSION_KEY,
        await ops.changePassword({ current_password: current, new_password: next }),
      );
      setDone(true);
      setCurrent('');
      setNext('');
    } catch (err) {
      setError(err instanceof XemApiError ? err.message : String(err));
    }
  }

  return (
    <section className="page narrow">
      <h2>Change password</h2>
      {session.user.must_change_password && (
        <p className="notice">Your account has an initial password. Choose your own to continue.</p>
      )}
      <form className="card form" onSubmit={submit}>
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New password (at least 10 characters)
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {done && <p role="status">Password changed.</p>}
        <button className="btn primary" type="submit">
          Change password
        </button>
      </form>
    </section>
  );
}

export const passwordRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/password',
  component: PasswordPage,
});
