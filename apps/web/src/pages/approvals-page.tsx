import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';

function ApprovalsPage() {
  return (
    <section className="page">
      <h2>Approvals</h2>
    </section>
  );
}

export const approvalsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/approvals',

  component: ApprovalsPage,
});
