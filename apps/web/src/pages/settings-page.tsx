import { createRoute } from '@tanstack/react-router';
import { appRoute } from '../routes/app-route';

function SettingsPage() {
  return (
    <section className="page">
      <h2>Settings</h2>
    </section>
  );
}

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  component: SettingsPage,
});
