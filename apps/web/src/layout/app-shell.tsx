import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ConnectionIndicator } from '../live/connection-indicator';
import { startLive, stopLive } from '../live/live-events';
import { ops } from '../ops-client';
import { isOwner, useSession } from '../session/use-session';
import { applyStoredTheme, storedTheme, type Theme } from '../ui/theme';
import { ProjectSwitcher } from './project-switcher';

const TABS = [
  { to: '/', label: 'Overview', exact: true },
  { to: '/operations', label: 'Operations' },
  { to: '/fleet', label: 'Fleet' },
  { to: '/graph', label: 'Graph' },
  { to: '/templates', label: 'Templates' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/agents', label: 'Agents' },
] as const;

const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

/** Header (tabs, project, connection, theme, user) around every signed-in page. */
export function AppShell() {
  const session = useSession();
  const qc = useQueryClient();
  const [theme, setTheme] = useState<Theme>(storedTheme());
  useEffect(() => {
    if (session.active_project_id) startLive(qc);
  }, [qc, session.active_project_id]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark">XEM</span> Ops
        </Link>
        <nav className="tabs" aria-label="Dashboard">
          {TABS.map((t) => (
            <Link
              key={t.to}
              to={t.to}
              className="tab"
              activeProps={{ className: 'tab active', 'aria-current': 'page' }}
              activeOptions={{ exact: 'exact' in t }}
            >
              {t.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <ConnectionIndicator />
          <ProjectSwitcher />
          {isOwner(session) && (
            <Link to="/settings" className="btn ghost" activeProps={{ className: 'btn ghost active' }}>
              Settings
            </Link>
          )}
          <button
            className="btn ghost"
            type="button"
            title={`Theme: ${theme}`}
            aria-label={`Theme: ${theme}. Switch to ${NEXT_THEME[theme]}`}
            onClick={() => {
              const t = NEXT_THEME[theme];
              applyStoredTheme(t);
              setTheme(t);
            }}
          >
            {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
          </button>
          <span className="user muted" title={session.user.email}>
            {session.user.name || session.user.email}
          </span>
          <button
            className="btn ghost"
            type="button"
            onClick={async () => {
              stopLive();
              await ops.logout().catch(() => {});
              // A full navigation drops every cached query; clearing them first would re-render
              // this signed-in shell without its session.
              window.location.assign('/ops/login');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="content">
        {session.active_project_id ? (
          <Outlet />
        ) : (
          <div className="state empty">
            <strong>No active project</strong>
            <div className="muted">Ask an owner to add you to a project, then choose it above.</div>
          </div>
        )}
      </main>
    </div>
  );
}
