import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';

function OperationsPage() {
  return (
    <section className="page">
      <h2>Operations</h2>
    </section>
  );
}

export const operationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/operations',
  validateSearch: (
    s: Record<string, unknown>,
  ): {
    status?: string;
    tool?: string;
    agent?: string;
    workspace?: string;
    risk?: string;
    window?: string;
    execution?: string;
  } =>
    compact({
      status: str(s.status),
      tool: str(s.tool),
      agent: str(s.agent),
      workspace: str(s.workspace),
      risk: str(s.risk),
      window: str(s.window),
      execution: str(s.execution),
    }),
  component: OperationsPage,
});
