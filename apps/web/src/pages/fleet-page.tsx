import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';

function FleetPage() {
  return (
    <section className="page">
      <h2>Fleet</h2>
    </section>
  );
}

export const fleetRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/fleet',
  validateSearch: (s: Record<string, unknown>): { status?: string } => compact({ status: str(s.status) }),
  component: FleetPage,
});
