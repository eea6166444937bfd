import { useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { XemApiError } from '@xem/client';
import { useState, type FormEvent } from 'react';
import { ops } from '../ops-client';
import { rootRoute } from '../routes/root-route';
import { SESSION_KEY } from '../session/use-session';

/** Where to go after sign-in: only a dashboard page of this origin. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/ops/';
  const path = next.startsWith('/ops') ? next : `/ops${next}`;
  return path.includes('/login') ? '/ops/' : path;
}

function LoginPage() {
  const { next } = loginRoute.useSearch();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      qc.setQueryData(SESSION_KEY, await ops.login({ email, password }));
      window.location.assign(safeNext(next));
    } catch (err) {
      setError(err instanceof XemApiError ? err.message : 'the server cannot be reached');
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand-mark">XEM</span> Ops
        </h1>
        <label>
          E-mail
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { next?: string } =>
    typeof s.next === 'string' ? { next: s.next } : {},
  component: LoginPage,
});
