import { randomBytes } from 'node:crypto';
import { refreshMessage } from '@xem/protocol';
import { mintJoinKey, newAgentKeys } from '../../test/fleet-helpers';
import type { AuthzWorld, Ids } from './authz-world';

export interface RouteRequest {
  method: string;
  url: string;
  payload?: object | string;
  headers?: Record<string, string>;
}

const unique = () => randomBytes(4).toString('hex');

/**
 * The same resource under its three mounts: `/ops/api/x`, `/:project_id/v1/management/x`
 * (members under `/project`), `/:project_id/v1/exec/x`, `/:project_id/v1/x`; chat templates
 * are templates.
 */
export function resourceOf(route: string): string {
  const [method, path] = route.split(' ') as [string, string];
  const rest = path
    .replace(/^\/ops\/api/, '')
    .replace(/^\/:project_id\/v1\/management\/project/, '')
    .replace(/^\/:project_id\/v1\/(management|exec)/, '')
    .replace(/^\/:project_id\/v1/, '')
    .replace('chat-templates', 'templates');
  return `${method} ${rest}`;
}

const POLICY = {
  levels: {
    irreversible: {
      requires_approval: true,
      timeout_seconds: 60,
      on_timeout: 'reject',
      self_approval: 'forbidden',
      escalation: [{ approvers: ['role:owner'], required_approvals: 1 }],
    },
  },
};

type Body = (w: AuthzWorld, ids: Ids) => object | Promise<object>;

/** Bodies of the requests the matrix sends; a route that takes none is absent. */
const BODIES: Record<string, Body> = {
  'POST /keys': () => ({ name: 'authz', scopes: ['execution'] }),
  'POST /keys/:key_id/rotate': () => ({ grace_period_hours: 0 }),
  'POST /members': () => ({ email: `m-${unique()}@example.test`, role: 'member' }),
  'PATCH /members/:user_id': () => ({ role: 'member' }),
  'POST /delegations': (_w, ids) => ({ user_id: ids.user_id, tier: 'destructive' }),
  'POST /workspaces': () => ({ name: `ws-${unique()}` }),
  'PATCH /workspaces/:workspace_id': () => ({ description: 'authz' }),
  'POST /workspaces/:workspace_id/pause': () => ({ reason: 'authz' }),
  'POST /workspaces/:workspace_id/agents': (_w, ids) => ({ agent_id: ids.agent_id }),
  'PUT /workspaces/:workspace_id/approval-policy': () => POLICY,
  'POST /join-keys': () => ({}),
  'PATCH /agents/:agent_id': () => ({ description: 'authz' }),
  'POST /agents/:agent_id/pause-exec': () => ({ reason: 'authz' }),
  'POST /agents/:agent_id/resume-exec': () => ({}),
  'POST /webhooks': () => ({ url: 'https://hooks.example.test/authz', events: ['exec.completed'] }),
  'PATCH /webhooks/:webhook_id': () => ({ enabled: false }),
  'POST /discovery/:candidate_id/accept': () => ({}),
  'POST /discovery/:candidate_id/reject': () => ({ reason: 'authz' }),
  'POST /templates': () => ({ name: `tpl-${unique()}`, allowed_tools: ['authz-read'] }),
  'PUT /templates/:template_id': () => ({ system_prompt: 'authz' }),
  'POST /templates/:template_id/promote': () => ({ scope: 'project' }),
  'POST /executions': () => ({ workspace: 'default', tool: 'authz-read', args: {}, queue: true }),
  'POST /approvals/:approval_id/approve': () => ({}),
  'POST /approvals/:approval_id/reject': () => ({ reason: 'authz' }),
  'POST /chats': () => ({ workspace: 'default', message: 'authz' }),
  'POST /chats/:chat_id/messages': () => ({ content: 'authz' }),
  'POST /chats/:chat_id/tool-calls': () => ({ tool: 'authz-read', args: {} }),
  'POST /chats/:chat_id/answer': (_w, ids) => ({ approval_id: ids.approval_id, decision: 'approve' }),
  'POST /workspaces/:workspace_id/templates/:template_id/apply': () => ({}),
  'POST /mcp': () => ({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  'POST /ops/session/project': (w) => ({ project_id: w.projectId }),
  'POST /ops/login': (w) => ({ email: w.owner.email, password: w.owner.password }),
  'POST /ops/invitations/accept': () => ({ token: 'not-a-token', password: 'long-enough-123' }),
  'POST /ops/approval/:approval_id': () => ({ token: 'not-a-token', decision: 'approve' }),
  'POST /v1/auth/token': (w) => ({ email: w.owner.email, password: w.owner.password, name: 'authz' }),
  'POST /v1/enroll': async (w) => ({
    join_key: (await mintJoinKey(w.t, w.ownerSession)).key,
    registration_name: `enr-${unique()}`,
    public_key: newAgentKeys().publicKey,
    hostname: 'authz.example.test',
    version: '0.1.0',
  }),
  'POST /v1/enroll/challenge': (w) => ({ agent_id: w.agentId }),
  'POST /v1/enroll/refresh': async (w) => {
    const res = await w.t.app.inject({
      method: 'POST',
      url: '/v1/enroll/challenge',
      payload: { agent_id: w.agentId },
    });
    const { challenge } = res.json<{ challenge: string }>();
    return {
      agent_id: w.agentId,
      challenge,
      signature: w.agentKeys.sign(refreshMessage(w.agentId, challenge)),
    };
  },
};

/** The request for `route` against project A's objects `ids`, without credentials. */
export async function requestFor(w: AuthzWorld, route: string, ids: Ids): Promise<RouteRequest> {
  const [method, path] = route.split(' ') as [string, string];
  const url = path
    .replace(/:([a-z_]+)/g, (_m, name: string) => {
      if (name === 'project_id') return w.projectId;
      if (name === 'name') return 'authz-read';
      // Approval policies start at the built-in version 0, templates at 1.
      if (name === 'version') return /templates\//.test(path) ? '1' : '0';
      const id = ids[name];
      if (!id) throw new Error(`no id for :${name} in ${route}`);
      return id;
    })
    .replace(/\*$/, '/overview');
  const body = BODIES[resourceOf(route)];
  const req: RouteRequest = { method, url };
  if (body) req.payload = await body(w, ids);
  if (route === 'POST /ops/invitations/accept/form') {
    req.payload = 'token=not-a-token&password=long-enough-123';
    req.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  if (route.endsWith('/mcp')) req.headers = { accept: 'application/json, text/event-stream' };
  if (route === 'GET /ops/invitations/accept') req.url += '?token=not-a-token';
  return req;
}
