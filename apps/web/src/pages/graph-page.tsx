import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';

function GraphPage() {
  return (
    <section className="page">
      <h2>Graph</h2>
    </section>
  );
}

export const graphRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/graph',
  validateSearch: (s: Record<string, unknown>): { focus?: string } => compact({ focus: str(s.focus) }),
  component: GraphPage,
});
