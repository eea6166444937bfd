import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';

function AgentsPage() {
  return (
    <section className="page">
      <h2>Agents</h2>
    </section>
  );
}

export const agentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agents',

  component: AgentsPage,
});
