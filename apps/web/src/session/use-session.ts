import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '@xem/protocol';
import { ops } from '../ops-client';

export const SESSION_KEY = ['session'] as const;

/** Reads the session once per page (the CSRF token comes with it). */
export function fetchSession(qc: QueryClient): Promise<SessionInfo> {
  return qc.fetchQuery({ queryKey: SESSION_KEY, queryFn: () => ops.session(), staleTime: Infinity });
}

/** The signed-in session; only used under the app route, which loaded it before rendering. */
export function useSession(): SessionInfo {
  const q = useQuery({ queryKey: SESSION_KEY, queryFn: () => ops.session() });
  if (!q.data) throw new Error('useSession outside the signed-in part of the dashboard');
  return q.data;
}

/** The active project's role of the user: owners (and system admins) see the settings page. */
export function isOwner(s: SessionInfo): boolean {
  const active = s.projects.find((p) => p.id === s.active_project_id);
  return s.user.is_admin || active?.role === 'owner';
}
