import type { Principal } from './authz-principals';

/**
 * What a principal gets from a route: `ok` (2xx/3xx: the request did what it asks), or the
 * refusal as `status:code` of the error envelope (`401:authentication_required`,
 * `403:owner_required`, `404:project_not_found`, …), or a status alone for answers that are
 * not JSON.
 */
export type Outcome = 'ok' | `${number}:${string}` | `${number}`;
export type Row = Record<Principal, Outcome>;

const OK = 'ok' as const;
const NO_SESSION = '401:authentication_required' as const;
const NO_KEY = '401:authentication_required' as const;

/** Bearer tokens and nothing at all on `/ops`: only a session cookie authenticates there. */
const OPS_STRANGERS = {
  key_execution: NO_SESSION,
  key_management: NO_SESSION,
  key_inference: NO_SESSION,
  key_other_project: NO_SESSION,
  agent: NO_SESSION,
  anonymous: NO_SESSION,
} as const;

/**
 * `/ops/api/*`: the session's active project. Spec §2, docs/fleet.md, webhooks.md, templates.md:
 * any member reads, only owners (and admins, everywhere) change; a user with no project has
 * no active project (404 project_not_found).
 */
function ops(member: Outcome, delegate: Outcome = member): Row {
  return {
    owner: OK,
    member,
    delegate,
    non_member: '404:project_not_found',
    admin: OK,
    ...OPS_STRANGERS,
  };
}
const OPS_ANY_MEMBER = ops(OK);
const OPS_OWNER = ops('403:owner_required');
/** Deciding a destructive approval: owners, admins and members delegated the tier (spec §5). */
const OPS_DECIDE = ops('403:approver_not_authorized', OK);

/** `/ops` routes about the session itself: anybody signed in. */
const OPS_SESSION: Row = {
  owner: OK,
  member: OK,
  delegate: OK,
  non_member: OK,
  admin: OK,
  ...OPS_STRANGERS,
};

/** The same for every principal (public routes: health, login, pages, enrollment, links). */
function everyone(outcome: Outcome): Row {
  return {
    owner: outcome,
    member: outcome,
    delegate: outcome,
    non_member: outcome,
    admin: outcome,
    key_execution: outcome,
    key_management: outcome,
    key_inference: outcome,
    key_other_project: outcome,
    agent: outcome,
    anonymous: outcome,
  };
}

type Scope = 'execution' | 'management' | 'inference';

/**
 * `/:project_id/v1/*` (spec §1, decision 0002): an API key of the path's project with one of
 * the route's scopes. Owners' and admins' keys hold every scope; members' (and delegates')
 * keys hold execution + inference only. A session cookie is no credential there, an agent
 * credential is not an API key, and a key of another project is 403 cross_project_access.
 */
function api(scopes: Scope[], people: { member?: Outcome; delegate?: Outcome } = {}): Row {
  const has = (s: Scope): Outcome => (scopes.includes(s) ? OK : '403:scope_insufficient');
  const memberHolds = scopes.includes('execution') || scopes.includes('inference');
  const member = memberHolds ? (people.member ?? OK) : '403:scope_insufficient';
  return {
    owner: OK,
    member,
    delegate: memberHolds ? (people.delegate ?? people.member ?? OK) : '403:scope_insufficient',
    non_member: NO_KEY,
    admin: OK,
    key_execution: has('execution'),
    key_management: has('management'),
    key_inference: has('inference'),
    key_other_project: '403:cross_project_access',
    agent: '401:invalid_api_key',
    anonymous: NO_KEY,
  };
}
const EXEC = api(['execution']);
const MGMT = api(['management']);
const INFER = api(['inference']);
const EXEC_DECIDE = api(['execution'], { member: '403:approver_not_authorized', delegate: OK });
const INFER_DECIDE = api(['inference'], { member: '403:approver_not_authorized', delegate: OK });
/** Chat templates: read with inference or management, written with management. */
const TEMPLATE_READ = api(['inference', 'management']);

/** A row whose allowed principals get `outcome` (a route that answers every caller the same). */
function allowedAs(row: Row, outcome: Outcome): Row {
  return Object.fromEntries(Object.entries(row).map(([p, o]) => [p, o === OK ? outcome : o])) as Row;
}

/**
 * Every route the server registers (HEAD routes follow their GET), one row each. A route that
 * is not here fails `authz-matrix.test.ts`.
 */
export const AUTHZ_MATRIX: Record<string, Row> = {
  // Health and the API description: public.
  'GET /healthz': everyone(OK),
  'GET /readyz': everyone(OK),
  'GET /v1/openapi.json': everyone(OK),

  // Auth: the token route checks e-mail + password in its body (the request sends the owner's).
  'POST /v1/auth/token': everyone(OK),
  'GET /v1/auth/whoami': {
    ...api(['execution', 'management', 'inference']),
    key_other_project: OK,
  },

  // Agent channel: enrollment is authenticated by the join key / the signed challenge in the
  // body; connect needs an agent credential (without an Upgrade header it answers 404).
  'POST /v1/enroll': everyone(OK),
  'POST /v1/enroll/challenge': everyone(OK),
  'POST /v1/enroll/refresh': everyone(OK),
  'GET /v1/agent/connect': {
    ...everyone('401:invalid_agent_credential'),
    non_member: NO_KEY,
    agent: '404:not_found',
    anonymous: NO_KEY,
  },

  // Dashboard pages and their stylesheet are public; the JSON behind them is not.
  'GET /ops': everyone(OK),
  'GET /ops*': everyone(OK),
  'GET /ops/page.css': everyone(OK),
  'POST /ops/login': everyone(OK),
  // The invitation page with a token that is no invitation: an HTML error page for anybody.
  'GET /ops/invitations/accept': everyone('400'),
  'POST /ops/invitations/accept': everyone('400:invitation_invalid'),
  'POST /ops/invitations/accept/form': everyone('400'),
  'GET /ops/session': OPS_SESSION,
  'POST /ops/logout': OPS_SESSION,
  'POST /ops/password': OPS_SESSION,
  'POST /ops/session/project': {
    ...OPS_SESSION,
    non_member: '404:project_not_found',
  },
  'GET /ops/stream': ops(OK),
  // One-time approval links: the token is the only credential; a session does not replace it.
  'GET /ops/approval/:approval_id': everyone('403'),
  'POST /ops/approval/:approval_id': everyone('403:approval_link_invalid'),

  // Dashboard JSON: reads for members, changes for owners.
  'GET /ops/api/overview': OPS_ANY_MEMBER,
  'GET /ops/api/keys': OPS_OWNER,
  'POST /ops/api/keys': OPS_OWNER,
  'POST /ops/api/keys/:key_id/rotate': OPS_OWNER,
  'POST /ops/api/keys/:key_id/revoke': OPS_OWNER,
  'DELETE /ops/api/keys/:key_id': OPS_OWNER,
  'GET /ops/api/members': OPS_ANY_MEMBER,
  'POST /ops/api/members': OPS_OWNER,
  'PATCH /ops/api/members/:user_id': OPS_OWNER,
  'DELETE /ops/api/members/:user_id': OPS_OWNER,
  'GET /ops/api/invitations': OPS_OWNER,
  'DELETE /ops/api/invitations/:invitation_id': OPS_OWNER,
  'GET /ops/api/delegations': OPS_ANY_MEMBER,
  'POST /ops/api/delegations': OPS_OWNER,
  'DELETE /ops/api/delegations/:delegation_id': OPS_OWNER,
  'GET /ops/api/audit': OPS_OWNER,
  'GET /ops/api/audit/verify': OPS_OWNER,
  'GET /ops/api/outbox': OPS_OWNER,
  'GET /ops/api/workspaces': OPS_ANY_MEMBER,
  'POST /ops/api/workspaces': OPS_OWNER,
  'GET /ops/api/workspaces/:workspace_id': OPS_ANY_MEMBER,
  'PATCH /ops/api/workspaces/:workspace_id': OPS_OWNER,
  'DELETE /ops/api/workspaces/:workspace_id': OPS_OWNER,
  'POST /ops/api/workspaces/:workspace_id/pause': OPS_OWNER,
  'POST /ops/api/workspaces/:workspace_id/resume': OPS_OWNER,
  'POST /ops/api/workspaces/:workspace_id/agents': OPS_OWNER,
  'DELETE /ops/api/workspaces/:workspace_id/agents/:agent_id': OPS_OWNER,
  'GET /ops/api/workspaces/:workspace_id/approval-policy': OPS_ANY_MEMBER,
  'PUT /ops/api/workspaces/:workspace_id/approval-policy': OPS_OWNER,
  'GET /ops/api/workspaces/:workspace_id/approval-policy/versions': OPS_ANY_MEMBER,
  'GET /ops/api/workspaces/:workspace_id/approval-policy/versions/:version': OPS_ANY_MEMBER,
  'GET /ops/api/join-keys': OPS_ANY_MEMBER,
  'POST /ops/api/join-keys': OPS_OWNER,
  'POST /ops/api/join-keys/:join_key_id/revoke': OPS_OWNER,
  'DELETE /ops/api/join-keys/:join_key_id': OPS_OWNER,
  'GET /ops/api/agents': OPS_ANY_MEMBER,
  'GET /ops/api/agents/:agent_id': OPS_ANY_MEMBER,
  'PATCH /ops/api/agents/:agent_id': OPS_OWNER,
  'POST /ops/api/agents/:agent_id/drain': OPS_OWNER,
  'POST /ops/api/agents/:agent_id/pause-exec': OPS_OWNER,
  'POST /ops/api/agents/:agent_id/resume-exec': OPS_OWNER,
  'POST /ops/api/agents/:agent_id/revoke-credentials': OPS_OWNER,
  'GET /ops/api/webhooks': OPS_ANY_MEMBER,
  'POST /ops/api/webhooks': OPS_OWNER,
  'GET /ops/api/webhooks/:webhook_id': OPS_ANY_MEMBER,
  'PATCH /ops/api/webhooks/:webhook_id': OPS_OWNER,
  'DELETE /ops/api/webhooks/:webhook_id': OPS_OWNER,
  'POST /ops/api/webhooks/:webhook_id/rotate-secret': OPS_OWNER,
  'POST /ops/api/webhooks/:webhook_id/test': OPS_OWNER,
  'GET /ops/api/webhooks/:webhook_id/deliveries': OPS_ANY_MEMBER,
  'GET /ops/api/webhooks/:webhook_id/deliveries/:delivery_id': OPS_ANY_MEMBER,
  'POST /ops/api/webhooks/:webhook_id/deliveries/:delivery_id/redeliver': OPS_OWNER,
  'GET /ops/api/discovery': OPS_ANY_MEMBER,
  'GET /ops/api/discovery/:candidate_id': OPS_ANY_MEMBER,
  'POST /ops/api/discovery/:candidate_id/accept': OPS_OWNER,
  'POST /ops/api/discovery/:candidate_id/reject': OPS_OWNER,
  'GET /ops/api/templates': OPS_ANY_MEMBER,
  'POST /ops/api/templates': OPS_OWNER,
  'GET /ops/api/templates/:template_id': OPS_ANY_MEMBER,
  'PUT /ops/api/templates/:template_id': OPS_OWNER,
  'DELETE /ops/api/templates/:template_id': OPS_OWNER,
  'POST /ops/api/templates/:template_id/promote': OPS_OWNER,
  'GET /ops/api/templates/:template_id/versions': OPS_ANY_MEMBER,
  'GET /ops/api/templates/:template_id/versions/:version': OPS_ANY_MEMBER,
  'GET /ops/api/tools': OPS_ANY_MEMBER,
  'GET /ops/api/tools/:name': OPS_ANY_MEMBER,
  'GET /ops/api/executions': OPS_ANY_MEMBER,
  'POST /ops/api/executions': OPS_ANY_MEMBER,
  'GET /ops/api/executions/:execution_id': OPS_ANY_MEMBER,
  'GET /ops/api/executions/:execution_id/raw': OPS_ANY_MEMBER,
  'POST /ops/api/executions/:execution_id/cancel': OPS_ANY_MEMBER,
  'POST /ops/api/executions/:execution_id/mark-failed': OPS_ANY_MEMBER,
  'POST /ops/api/executions/:execution_id/retry': OPS_ANY_MEMBER,
  'GET /ops/api/approvals': OPS_ANY_MEMBER,
  'GET /ops/api/approvals/:approval_id': OPS_ANY_MEMBER,
  'POST /ops/api/approvals/:approval_id/approve': OPS_DECIDE,
  'POST /ops/api/approvals/:approval_id/reject': OPS_DECIDE,
  'GET /ops/api/chats': OPS_ANY_MEMBER,
  'POST /ops/api/chats': OPS_ANY_MEMBER,
  'GET /ops/api/chats/:chat_id': OPS_ANY_MEMBER,
  'DELETE /ops/api/chats/:chat_id': OPS_ANY_MEMBER,
  'GET /ops/api/chats/:chat_id/messages': OPS_ANY_MEMBER,
  'POST /ops/api/chats/:chat_id/messages': OPS_ANY_MEMBER,
  'POST /ops/api/chats/:chat_id/tool-calls': OPS_ANY_MEMBER,
  'POST /ops/api/chats/:chat_id/answer': OPS_DECIDE,
  'GET /ops/api/chats/:chat_id/stream': OPS_ANY_MEMBER,
  'POST /ops/api/workspaces/:workspace_id/chat-templates/:template_id/apply': OPS_ANY_MEMBER,

  // Public exec API: scope execution.
  'GET /:project_id/v1/exec/executions': EXEC,
  'POST /:project_id/v1/exec/executions': EXEC,
  'GET /:project_id/v1/exec/executions/stream': EXEC,
  'GET /:project_id/v1/exec/executions/:execution_id': EXEC,
  'GET /:project_id/v1/exec/executions/:execution_id/raw': EXEC,
  'POST /:project_id/v1/exec/executions/:execution_id/cancel': EXEC,
  'POST /:project_id/v1/exec/executions/:execution_id/mark-failed': EXEC,
  'POST /:project_id/v1/exec/executions/:execution_id/retry': EXEC,
  'GET /:project_id/v1/exec/approvals': EXEC,
  'GET /:project_id/v1/exec/approvals/stream': EXEC,
  'GET /:project_id/v1/exec/approvals/:approval_id': EXEC,
  'POST /:project_id/v1/exec/approvals/:approval_id/approve': EXEC_DECIDE,
  'POST /:project_id/v1/exec/approvals/:approval_id/reject': EXEC_DECIDE,
  'GET /:project_id/v1/exec/tools': EXEC,
  'GET /:project_id/v1/exec/tools/:name': EXEC,

  // MCP: execution or inference; stateless, so only POST does anything (GET/DELETE are 405).
  'POST /:project_id/v1/mcp': api(['execution', 'inference']),
  'GET /:project_id/v1/mcp': allowedAs(api(['execution', 'inference']), '405:method_not_allowed'),
  'DELETE /:project_id/v1/mcp': allowedAs(api(['execution', 'inference']), '405:method_not_allowed'),

  // Chats: scope inference.
  'GET /:project_id/v1/chats': INFER,
  'POST /:project_id/v1/chats': INFER,
  'GET /:project_id/v1/chats/:chat_id': INFER,
  'DELETE /:project_id/v1/chats/:chat_id': INFER,
  'GET /:project_id/v1/chats/:chat_id/messages': INFER,
  'POST /:project_id/v1/chats/:chat_id/messages': INFER,
  'POST /:project_id/v1/chats/:chat_id/tool-calls': INFER,
  'POST /:project_id/v1/chats/:chat_id/answer': INFER_DECIDE,
  'GET /:project_id/v1/chats/:chat_id/stream': INFER,
  'POST /:project_id/v1/workspaces/:workspace_id/chat-templates/:template_id/apply': INFER,

  // Chat templates for models and chat clients: read with inference or management.
  'GET /:project_id/v1/chat-templates': TEMPLATE_READ,
  'GET /:project_id/v1/chat-templates/:template_id': TEMPLATE_READ,
  'GET /:project_id/v1/chat-templates/:template_id/versions': TEMPLATE_READ,
  'GET /:project_id/v1/chat-templates/:template_id/versions/:version': TEMPLATE_READ,
  'POST /:project_id/v1/chat-templates': MGMT,
  'PUT /:project_id/v1/chat-templates/:template_id': MGMT,
  'DELETE /:project_id/v1/chat-templates/:template_id': MGMT,
  'POST /:project_id/v1/chat-templates/:template_id/promote': MGMT,

  // Management API: scope management (held by owners and admins only).
  'GET /:project_id/v1/management/keys': MGMT,
  'POST /:project_id/v1/management/keys': MGMT,
  'POST /:project_id/v1/management/keys/:key_id/rotate': MGMT,
  'POST /:project_id/v1/management/keys/:key_id/revoke': MGMT,
  'DELETE /:project_id/v1/management/keys/:key_id': MGMT,
  'GET /:project_id/v1/management/project/members': MGMT,
  'POST /:project_id/v1/management/project/members': MGMT,
  'PATCH /:project_id/v1/management/project/members/:user_id': MGMT,
  'DELETE /:project_id/v1/management/project/members/:user_id': MGMT,
  'GET /:project_id/v1/management/project/invitations': MGMT,
  'DELETE /:project_id/v1/management/project/invitations/:invitation_id': MGMT,
  'GET /:project_id/v1/management/project/delegations': MGMT,
  'POST /:project_id/v1/management/project/delegations': MGMT,
  'DELETE /:project_id/v1/management/project/delegations/:delegation_id': MGMT,
  'GET /:project_id/v1/management/audit': MGMT,
  'GET /:project_id/v1/management/audit/verify': MGMT,
  'GET /:project_id/v1/management/outbox': MGMT,
  'GET /:project_id/v1/management/workspaces': MGMT,
  'POST /:project_id/v1/management/workspaces': MGMT,
  'GET /:project_id/v1/management/workspaces/:workspace_id': MGMT,
  'PATCH /:project_id/v1/management/workspaces/:workspace_id': MGMT,
  'DELETE /:project_id/v1/management/workspaces/:workspace_id': MGMT,
  'POST /:project_id/v1/management/workspaces/:workspace_id/pause': MGMT,
  'POST /:project_id/v1/management/workspaces/:workspace_id/resume': MGMT,
  'POST /:project_id/v1/management/workspaces/:workspace_id/agents': MGMT,
  'DELETE /:project_id/v1/management/workspaces/:workspace_id/agents/:agent_id': MGMT,
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy': MGMT,
  'PUT /:project_id/v1/management/workspaces/:workspace_id/approval-policy': MGMT,
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy/versions': MGMT,
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy/versions/:version': MGMT,
  'GET /:project_id/v1/management/join-keys': MGMT,
  'POST /:project_id/v1/management/join-keys': MGMT,
  'POST /:project_id/v1/management/join-keys/:join_key_id/revoke': MGMT,
  'DELETE /:project_id/v1/management/join-keys/:join_key_id': MGMT,
  'GET /:project_id/v1/management/agents': MGMT,
  'GET /:project_id/v1/management/agents/:agent_id': MGMT,
  'PATCH /:project_id/v1/management/agents/:agent_id': MGMT,
  'POST /:project_id/v1/management/agents/:agent_id/drain': MGMT,
  'POST /:project_id/v1/management/agents/:agent_id/pause-exec': MGMT,
  'POST /:project_id/v1/management/agents/:agent_id/resume-exec': MGMT,
  'POST /:project_id/v1/management/agents/:agent_id/revoke-credentials': MGMT,
  'GET /:project_id/v1/management/webhooks': MGMT,
  'POST /:project_id/v1/management/webhooks': MGMT,
  'GET /:project_id/v1/management/webhooks/:webhook_id': MGMT,
  'PATCH /:project_id/v1/management/webhooks/:webhook_id': MGMT,
  'DELETE /:project_id/v1/management/webhooks/:webhook_id': MGMT,
  'POST /:project_id/v1/management/webhooks/:webhook_id/rotate-secret': MGMT,
  'POST /:project_id/v1/management/webhooks/:webhook_id/test': MGMT,
  'GET /:project_id/v1/management/webhooks/:webhook_id/deliveries': MGMT,
  'GET /:project_id/v1/management/webhooks/:webhook_id/deliveries/:delivery_id': MGMT,
  'POST /:project_id/v1/management/webhooks/:webhook_id/deliveries/:delivery_id/redeliver': MGMT,
  'GET /:project_id/v1/management/discovery': MGMT,
  'GET /:project_id/v1/management/discovery/:candidate_id': MGMT,
  'POST /:project_id/v1/management/discovery/:candidate_id/accept': MGMT,
  'POST /:project_id/v1/management/discovery/:candidate_id/reject': MGMT,
  'GET /:project_id/v1/management/templates': MGMT,
  'POST /:project_id/v1/management/templates': MGMT,
  'GET /:project_id/v1/management/templates/:template_id': MGMT,
  'PUT /:project_id/v1/management/templates/:template_id': MGMT,
  'DELETE /:project_id/v1/management/templates/:template_id': MGMT,
  'POST /:project_id/v1/management/templates/:template_id/promote': MGMT,
  'GET /:project_id/v1/management/templates/:template_id/versions': MGMT,
  'GET /:project_id/v1/management/templates/:template_id/versions/:version': MGMT,
};
