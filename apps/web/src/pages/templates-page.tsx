import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';

function TemplatesPage() {
  return (
    <section className="page">
      <h2>Templates</h2>
    </section>
  );
}

export const templatesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates',

  component: TemplatesPage,
});
