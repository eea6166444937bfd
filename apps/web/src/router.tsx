import { createRouter, Link } from '@tanstack/react-router';
import { loginRoute } from './pages/login-page';
import { operationsRoute } from './pages/operations-page';
import { fleetRoute } from './pages/fleet-page';
import { graphRoute } from './pages/graph-page';
import { templatesRoute } from './pages/templates-page';
import { templateNewRoute } from './templates/template-new-page';
import { templateDetailRoute } from './templates/template-detail-page';
import { templateEditRoute } from './templates/template-edit-page';
import { approvalsRoute } from './pages/approvals-page';
import { approvalDetailRoute } from './approvals/approval-detail-page';
import { agentsRoute } from './pages/agents-page';
import { settingsRoute } from './pages/settings-page';
import { agentWorkspacesRoute } from './agents/agent-workspaces-page';
import { discoveryRoute } from './agents/discovery-page';
import { workspaceRoute } from './workspaces/workspace-page';
import { chatRoute } from './chats/chat-page';
import { overviewRoute } from './pages/overview-page';
import { passwordRoute } from './pages/password-page';
import { appRoute } from './routes/app-route';
import { rootRoute } from './routes/root-route';
import { ErrorState } from './ui/states';

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    overviewRoute,
    passwordRoute,
    operationsRoute,
    fleetRoute,
    graphRoute,
    templatesRoute,
    templateNewRoute,
    templateDetailRoute,
    templateEditRoute,
    approvalsRoute,
    approvalDetailRoute,
    agentsRoute,
    discoveryRoute,
    settingsRoute,
    agentWorkspacesRoute,
    workspaceRoute,
    chatRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  basepath: '/ops',
  defaultPreload: 'intent',
  scrollRestoration: true,
  defaultErrorComponent: ({ error, reset }) => <ErrorState error={error} retry={reset} />,
  defaultNotFoundComponent: () => (
    <div className="state empty">
      <strong>Nothing here</strong>
      <div className="muted">
        This page does not exist. <Link to="/">Back to the overview</Link>
      </div>
    </div>
  ),
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
