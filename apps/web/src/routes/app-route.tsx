import { createRoute, redirect } from '@tanstack/react-router';
import { XemApiError } from '@xem/client';
import { AppShell } from '../layout/app-shell';
import { queryClient } from '../query-client';
import { fetchSession } from '../session/use-session';
import { rootRoute } from './root-route';

const SIGNED_OUT = new Set(['authentication_required', 'session_expired']);

/** Every page but login: needs a session (else → /ops/login?next=…), then opens /ops/stream. */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  component: AppShell,
  beforeLoad: async ({ location }) => {
    try {
      const session = await fetchSession(queryClient);
      if (session.user.must_change_password && !location.pathname.endsWith('/password'))
        throw redirect({ to: '/password' });
      return { session };
    } catch (err) {
      if (err instanceof XemApiError && SIGNED_OUT.has(err.code))
        throw redirect({ to: '/login', search: { next: location.href } });
      throw err;
    }
  },
});
