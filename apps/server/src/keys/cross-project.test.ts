import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddMemberResponse, CreatedKey, CreatedWebhook, Template } from '@xem/protocol';
import { enroll, mintJoinKey } from '../../test/fleet-helpers';
import { newId } from '../ids';
import {
  bearer,
  createKeyAs,
  createTestApp,
  expectError,
  login,
  opsRequest,
  registeredRoutes,
  seedMembership,
  seedProject,
  seedUser,
  type Browser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';

/**
 * Every route under `/:project_id/v1`. Adding a route there without adding it here fails the
 * first test, so that the cross-project guard is proven for it too.
 */
const PROJECT_ROUTES = [
  'GET /:project_id/v1/exec/executions',
  'GET /:project_id/v1/exec/executions/:execution_id',
  'GET /:project_id/v1/exec/executions/:execution_id/raw',
  'GET /:project_id/v1/exec/executions/stream',
  'GET /:project_id/v1/exec/approvals/stream',
  'GET /:project_id/v1/exec/approvals',
  'GET /:project_id/v1/exec/approvals/:approval_id',
  'POST /:project_id/v1/exec/approvals/:approval_id/approve',
  'POST /:project_id/v1/exec/approvals/:approval_id/reject',
  'GET /:project_id/v1/exec/tools',
  'POST /:project_id/v1/mcp',
  'GET /:project_id/v1/mcp',
  'DELETE /:project_id/v1/mcp',
  'GET /:project_id/v1/exec/tools/:name',
  'POST /:project_id/v1/exec/executions',
  'POST /:project_id/v1/exec/executions/:execution_id/cancel',
  'POST /:project_id/v1/exec/executions/:execution_id/mark-failed',
  'POST /:project_id/v1/exec/executions/:execution_id/retry',
  'DELETE /:project_id/v1/management/join-keys/:join_key_id',
  'DELETE /:project_id/v1/management/keys/:key_id',
  'DELETE /:project_id/v1/management/project/delegations/:delegation_id',
  'DELETE /:project_id/v1/management/project/invitations/:invitation_id',
  'DELETE /:project_id/v1/management/project/members/:user_id',
  'DELETE /:project_id/v1/management/workspaces/:workspace_id',
  'DELETE /:project_id/v1/management/workspaces/:workspace_id/agents/:agent_id',
  'GET /:project_id/v1/management/agents',
  'GET /:project_id/v1/management/agents/:agent_id',
  'GET /:project_id/v1/management/audit',
  'GET /:project_id/v1/management/audit/verify',
  'GET /:project_id/v1/management/join-keys',
  'GET /:project_id/v1/management/keys',
  'GET /:project_id/v1/management/outbox',
  'GET /:project_id/v1/management/project/delegations',
  'GET /:project_id/v1/management/project/invitations',
  'GET /:project_id/v1/management/project/members',
  'GET /:project_id/v1/management/workspaces',
  'GET /:project_id/v1/management/workspaces/:workspace_id',
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy',
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy/versions',
  'GET /:project_id/v1/management/workspaces/:workspace_id/approval-policy/versions/:version',
  'PATCH /:project_id/v1/management/agents/:agent_id',
  'PATCH /:project_id/v1/management/project/members/:user_id',
  'PATCH /:project_id/v1/management/workspaces/:workspace_id',
  'POST /:project_id/v1/management/agents/:agent_id/drain',
  'POST /:project_id/v1/management/agents/:agent_id/pause-exec',
  'POST /:project_id/v1/management/agents/:agent_id/resume-exec',
  'POST /:project_id/v1/management/agents/:agent_id/revoke-credentials',
  'POST /:project_id/v1/management/join-keys',
  'POST /:project_id/v1/management/join-keys/:join_key_id/revoke',
  'POST /:project_id/v1/management/keys',
  'POST /:project_id/v1/management/keys/:key_id/revoke',
  'POST /:project_id/v1/management/keys/:key_id/rotate',
  'POST /:project_id/v1/management/project/delegations',
  'POST /:project_id/v1/management/project/members',
  'POST /:project_id/v1/management/workspaces',
  'POST /:project_id/v1/management/workspaces/:workspace_id/agents',
  'POST /:project_id/v1/management/workspaces/:workspace_id/pause',
  'POST /:project_id/v1/management/workspaces/:workspace_id/resume',
  'PUT /:project_id/v1/management/workspaces/:workspace_id/approval-policy',
  'DELETE /:project_id/v1/management/webhooks/:webhook_id',
  'GET /:project_id/v1/management/discovery',
  'GET /:project_id/v1/management/discovery/:candidate_id',
  'POST /:project_id/v1/management/discovery/:candidate_id/accept',
  'POST /:project_id/v1/management/discovery/:candidate_id/reject',
  'GET /:project_id/v1/management/webhooks',
  'GET /:project_id/v1/management/webhooks/:webhook_id',
  'GET /:project_id/v1/management/webhooks/:webhook_id/deliveries',
  'GET /:project_id/v1/management/webhooks/:webhook_id/deliveries/:delivery_id',
  'PATCH /:project_id/v1/management/webhooks/:webhook_id',
  'POST /:project_id/v1/management/webhooks',
  'POST /:project_id/v1/management/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
  'POST /:project_id/v1/management/webhooks/:webhook_id/rotate-secret',
  'POST /:project_id/v1/management/webhooks/:webhook_id/test',
  'DELETE /:project_id/v1/chat-templates/:template_id',
  'GET /:project_id/v1/chat-templates',
  'GET /:project_id/v1/chat-templates/:template_id',
  'GET /:project_id/v1/chat-templates/:template_id/versions',
  'GET /:project_id/v1/chat-templates/:template_id/versions/:version',
  'POST /:project_id/v1/chat-templates',
  'POST /:project_id/v1/chat-templates/:template_id/promote',
  'PUT /:project_id/v1/chat-templates/:template_id',
  'DELETE /:project_id/v1/management/templates/:template_id',
  'GET /:project_id/v1/management/templates',
  'GET /:project_id/v1/management/templates/:template_id',
  'GET /:project_id/v1/management/templates/:template_id/versions',
  'GET /:project_id/v1/management/templates/:template_id/versions/:version',
  'POST /:project_id/v1/management/templates',
  'POST /:project_id/v1/management/templates/:template_id/promote',
  'PUT /:project_id/v1/management/templates/:template_id',
  'GET /:project_id/v1/chats',
  'POST /:project_id/v1/chats',
  'GET /:project_id/v1/chats/:chat_id',
  'DELETE /:project_id/v1/chats/:chat_id',
  'GET /:project_id/v1/chats/:chat_id/messages',
  'POST /:project_id/v1/chats/:chat_id/messages',
  'POST /:project_id/v1/chats/:chat_id/tool-calls',
  'POST /:project_id/v1/chats/:chat_id/answer',
  'GET /:project_id/v1/chats/:chat_id/stream',
  'POST /:project_id/v1/workspaces/:workspace_id/chat-templates/:template_id/apply',
];

interface Side {
  id: string;
  owner: SeededUser;
  member: SeededUser;
  session: Browser;
  key: string;
  keyId: string;
  invitationId: string;
  workspaceId: string;
  agentId: string;
  joinKeyId: string;
  executionId: string;
  webhookId: string;
  deliveryId: string;
  approvalId: string;
  delegationId: string;
  templateId: string;
  candidateId: string;
  chatId: string;
}

let t: TestApp;
let a: Side;
let b: Side;

/** A project with an owner (session and management key), a member and a pending invitation. */
async function side(): Promise<Side> {
  const p = await seedProject(t);
  const member = await seedUser(t);
  await seedMembership(t, p.id, member.id, 'member');
  const session = await login(t.app, p.owner.email, p.owner.password);
  const created = CreatedKey.parse(
    (
      await opsRequest(t.app, session, 'POST', '/ops/api/keys', {
        name: 'k',
        scopes: ['management', 'execution', 'inference'],
      })
    ).json(),
  );
  const inv = await opsRequest(t.app, session, 'POST', '/ops/api/members', {
    email: `inv-${p.slug}@example.test`,
  });
  const invitationId = AddMemberResponse.parse(inv.json()).invitation!.id;
  const ws = await opsRequest(t.app, session, 'POST', '/ops/api/workspaces', { name: 'extra' });
  const agent = await enroll(t, (await mintJoinKey(t, session)).key, 'agent-one');
  const joinKey = await mintJoinKey(t, session);
  // The agent offers one tool, and one execution of it waits in the queue.
  await t.deps.db
    .insertInto('agent_tools')
    .values({
      agent_id: agent.agent_id,
      name: 'cross-tool',
      description: 'a tool',
      risk: 'read',
      domain: 'general',
      timeout_ms: 1000,
      idempotent: true,
      mcp_visible: true,
      params: JSON.stringify({ type: 'object' }),
      bundle: 'test',
    })
    .execute();
  await t.deps.db
    .insertInto('agent_tools')
    .values({
      agent_id: agent.agent_id,
      name: 'cross-risky',
      description: 'a destructive tool',
      risk: 'destructive',
      domain: 'general',
      timeout_ms: 1000,
      idempotent: true,
      mcp_visible: true,
      params: JSON.stringify({ type: 'object' }),
      bundle: 'test',
    })
    .execute();
  const risky = await t.app.inject({
    method: 'POST',
    url: `/${p.id}/v1/exec/executions`,
    headers: bearer(created.key),
    payload: { workspace: 'default', tool: 'cross-risky', args: {}, queue: true },
  });
  const execution = await t.app.inject({
    method: 'POST',
    url: `/${p.id}/v1/exec/executions`,
    headers: bearer(created.key),
    payload: { workspace: 'default', tool: 'cross-tool', args: {}, queue: true },
  });
  const webhook = CreatedWebhook.parse(
    (
      await opsRequest(t.app, session, 'POST', '/ops/api/webhooks', {
        url: 'https://hooks.example.test/xem',
        events: ['exec.completed'],
      })
    ).json(),
  ).webhook;
  // A delivery in its history, written directly: sending one would need a reachable endpoint.
  const deliveryId = newId('whd');
  await t.deps.db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      webhook_id: webhook.id,
      event_id: null,
      envelope_id: 'evt_000000000000000000000000',
      type: 'exec.test',
      body: '{}',
      status: 'succeeded',
      next_attempt_at: null,
    })
    .execute();
  const delegation = await opsRequest(t.app, session, 'POST', '/ops/api/delegations', {
    user_id: member.id,
    tier: 'destructive',
  });
  const template = Template.parse(
    (
      await opsRequest(t.app, session, 'POST', '/ops/api/templates', {
        name: 'cross',
        allowed_tools: ['cross-tool'],
      })
    ).json(),
  );
  // A discovered component, written directly: reporting one needs a connected agent.
  const candidateId = newId('disc');
  await t.deps.db
    .insertInto('discovery_candidates')
    .values({
      id: candidateId,
      project_id: p.id,
      agent_id: agent.agent_id,
      kind: 'tcp_listener',
      name: 'sshd',
      address: '0.0.0.0:22',
      dedupe_key: '0.0.0.0:22',
      attributes: '{}',
      decided_by: null,
      decided_at: null,
      reason: null,
    })
    .execute();
  const chat = await t.app.inject({
    method: 'POST',
    url: `/${p.id}/v1/chats`,
    headers: bearer(created.key),
    payload: { workspace: 'default', message: 'a note' },
  });
  return {
    id: p.id,
    chatId: chat.json<{ id: string }>().id,
    owner: p.owner,
    member,
    session,
    key: created.key,
    keyId: created.api_key.id,
    invitationId,
    workspaceId: ws.json<{ id: string }>().id,
    agentId: agent.agent_id,
    joinKeyId: joinKey.join_key.id,
    executionId: execution.json<{ id: string }>().id,
    webhookId: webhook.id,
    deliveryId,
    approvalId: risky.json<{ approval_id: string }>().approval_id,
    delegationId: delegation.json<{ id: string }>().id,
    templateId: template.id,
    candidateId,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await side();
  b = await side();
});
afterAll(() => t.close());

/** A request that would succeed on `target` if the key were allowed there. */
function requestFor(route: string, target: Side): { method: string; url: string; payload?: object } {
  const [method, path] = route.split(' ') as [string, string];
  const url = path
    .replace(':project_id', target.id)
    .replace(':key_id', target.keyId)
    .replace(':user_id', target.member.id)
    .replace(':invitation_id', target.invitationId)
    .replace(':workspace_id', target.workspaceId)
    .replace(':agent_id', target.agentId)
    .replace(':join_key_id', target.joinKeyId)
    .replace(':execution_id', target.executionId)
    .replace(':webhook_id', target.webhookId)
    .replace(':delivery_id', target.deliveryId)
    .replace(':approval_id', target.approvalId)
    .replace(':delegation_id', target.delegationId)
    .replace(':template_id', target.templateId)
    .replace(':candidate_id', target.candidateId)
    .replace(':chat_id', target.chatId)
    .replace(':name', 'cross-tool')
    // Approval policies start at the built-in version 0, templates at 1.
    .replace(':version', /\/(chat-)?templates\//.test(path) ? '1' : '0');
  const payloads: Record<string, object> = {
    'POST /:project_id/v1/management/keys': { name: 'stolen', scopes: ['management'] },
    'POST /:project_id/v1/exec/executions': { workspace: 'default', tool: 'cross-tool', args: {} },
    'POST /:project_id/v1/management/keys/:key_id/rotate': { grace_period_hours: 0 },
    'POST /:project_id/v1/management/project/members': { email: 'intruder@example.test', role: 'owner' },
    'PATCH /:project_id/v1/management/project/members/:user_id': { role: 'owner' },
    'POST /:project_id/v1/management/project/delegations': {
      user_id: target.member.id,
      tier: 'irreversible',
    },
    'POST /:project_id/v1/management/workspaces': { name: 'stolen' },
    'PATCH /:project_id/v1/management/workspaces/:workspace_id': { description: 'stolen' },
    'POST /:project_id/v1/management/workspaces/:workspace_id/pause': { reason: 'stolen' },
    'POST /:project_id/v1/management/workspaces/:workspace_id/agents': { agent_id: target.agentId },
    'POST /:project_id/v1/management/join-keys': {},
    'PATCH /:project_id/v1/management/agents/:agent_id': { description: 'stolen' },
    'POST /:project_id/v1/management/agents/:agent_id/pause-exec': { reason: 'stolen' },
    'PUT /:project_id/v1/management/workspaces/:workspace_id/approval-policy': {
      levels: {
        irreversible: {
          requires_approval: true,
          timeout_seconds: 60,
          on_timeout: 'reject',
          self_approval: 'allowed',
          escalation: [{ approvers: ['stolen@example.test'], required_approvals: 1 }],
        },
      },
    },
    'POST /:project_id/v1/management/webhooks': { url: 'https://evil.example/', events: ['exec.completed'] },
    'PATCH /:project_id/v1/management/webhooks/:webhook_id': { url: 'https://evil.example/' },
    'POST /:project_id/v1/management/templates': { name: 'stolen' },
    'POST /:project_id/v1/chat-templates': { name: 'stolen' },
    'PUT /:project_id/v1/chat-templates/:template_id': { system_prompt: 'stolen' },
    'POST /:project_id/v1/chat-templates/:template_id/promote': { scope: 'platform' },
    'POST /:project_id/v1/management/discovery/:candidate_id/reject': { reason: 'stolen' },
    'PUT /:project_id/v1/management/templates/:template_id': { system_prompt: 'stolen' },
    'POST /:project_id/v1/chats': { workspace: 'default', message: 'stolen' },
    'POST /:project_id/v1/chats/:chat_id/messages': { content: 'stolen' },
    'POST /:project_id/v1/chats/:chat_id/tool-calls': { tool: 'cross-tool', args: {} },
    'POST /:project_id/v1/chats/:chat_id/answer': { approval_id: target.approvalId, decision: 'approve' },
    'POST /:project_id/v1/workspaces/:workspace_id/chat-templates/:template_id/apply': {},
    'POST /:project_id/v1/management/templates/:template_id/promote': { scope: 'platform' },
  };
  return { method, url, ...(payloads[route] ? { payload: payloads[route] } : {}) };
}

/** What B looks like; must not change whatever A's key tries. */
async function snapshot(s: Side) {
  const db = t.deps.db;
  return {
    keys: await db.selectFrom('api_keys').selectAll().where('project_id', '=', s.id).orderBy('id').execute(),
    executions: await db
      .selectFrom('executions')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    workspaces: await db
      .selectFrom('workspaces')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    agents: await db.selectFrom('agents').selectAll().where('project_id', '=', s.id).orderBy('id').execute(),
    joinKeys: await db
      .selectFrom('join_keys')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    members: await db
      .selectFrom('memberships')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('user_id')
      .execute(),
    delegations: await db
      .selectFrom('delegations')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    invitations: await db
      .selectFrom('invitations')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    policies: await db
      .selectFrom('approval_policy_versions')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('workspace_id')
      .orderBy('version')
      .execute(),
    webhooks: await db
      .selectFrom('webhooks')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    deliveries: await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', s.webhookId)
      .orderBy('id')
      .execute(),
    templates: await db
      .selectFrom('templates')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    candidates: await db
      .selectFrom('discovery_candidates')
      .selectAll()
      .where('project_id', '=', s.id)
      .orderBy('id')
      .execute(),
    chats: await db.selectFrom('chats').selectAll().where('project_id', '=', s.id).orderBy('id').execute(),
    chatMessages: await db
      .selectFrom('chat_messages')
      .selectAll()
      .where('chat_id', '=', s.chatId)
      .orderBy('seq')
      .execute(),
    templateVersions: await db
      .selectFrom('template_versions')
      .selectAll()
      .where('template_id', '=', s.templateId)
      .orderBy('version')
      .execute(),
    audit: await db
      .selectFrom('audit_log')
      .select('seq')
      .where('project_id', '=', s.id)
      .orderBy('seq')
      .execute(),
  };
}

describe('cross-project access with an API key', () => {
  it('the route list above is every /:project_id/v1 route the app registered', () => {
    const registered = registeredRoutes(t.app).filter((r) => / \/:project_id\/v1(\/|$)/.test(r));
    expect(registered.filter((r) => !r.startsWith('HEAD ')).sort()).toEqual([...PROJECT_ROUTES].sort());
    // HEAD is derived from GET and must be guarded the same way (checked below).
    for (const r of registered.filter((x) => x.startsWith('HEAD '))) {
      expect(PROJECT_ROUTES).toContain(r.replace(/^HEAD /, 'GET '));
    }
  });

  it("is refused on every route of project B with project A's key: 403 cross_project_access, audited, B untouched", async () => {
    const before = await snapshot(b);
    const routes = [
      ...PROJECT_ROUTES,
      ...PROJECT_ROUTES.filter((r) => r.startsWith('GET ')).map((r) => `HEAD${r.slice(3)}`),
    ];
    for (const route of routes) {
      const req = requestFor(route, b);
      const res = await t.app.inject({ ...req, method: req.method as 'GET', headers: bearer(a.key) });
      if (req.method === 'HEAD') {
        expect(res.statusCode, route).toBe(403);
        continue;
      }
      expectError(res, 403, 'cross_project_access');
      const audit = await t.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(audit, route).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        project_id: a.id,
        action: 'auth.cross_project_access',
        outcome: 'denied',
        actor_type: 'api_key',
        actor_id: a.keyId,
        target_type: 'project',
        target_id: b.id,
      });
    }
    const after = await snapshot(b);
    expect(after).toEqual(before);
  });

  it("the same requests with B's own key succeed, so the refusals above are the guard's doing", async () => {
    // Streams never end on their own (inject would wait forever); events/*-stream tests open them for real.
    // GET /mcp is 405 by design (stateless MCP); mcp/mcp-endpoint.test.ts drives it with B's key.
    for (const route of PROJECT_ROUTES.filter(
      (r) => r.startsWith('GET ') && !r.endsWith('/stream') && !r.endsWith('/mcp'),
    )) {
      const res = await t.app.inject({ ...requestFor(route, b), method: 'GET', headers: bearer(b.key) });
      expect(res.statusCode, `${route}: ${res.body}`).toBe(200);
    }
    const patch = requestFor('PATCH /:project_id/v1/management/project/members/:user_id', b);
    const res = await t.app.inject({ ...patch, method: 'PATCH', headers: bearer(b.key) });
    expect(res.statusCode, res.body).toBe(200);
    await opsRequest(t.app, b.session, 'PATCH', `/ops/api/members/${b.member.id}`, { role: 'member' });
  });

  it('answers a project that does not exist exactly like one that does (no existence leak)', async () => {
    const real = await t.app.inject({
      method: 'GET',
      url: `/${b.id}/v1/management/keys`,
      headers: bearer(a.key),
    });
    const fake = await t.app.inject({
      method: 'GET',
      url: '/proj_doesnotexist0000000/v1/management/keys',
      headers: bearer(a.key),
    });
    const r = expectError(real, 403, 'cross_project_access');
    const f = expectError(fake, 403, 'cross_project_access');
    expect(f.error.message).toBe(r.error.message);
  });
});

describe("another project's object ids are 404 not_found, never 403", () => {
  const cases = (s: Side, other: Side, base: string, members: string) => [
    { method: 'POST', url: `${base}/keys/${other.keyId}/rotate`, payload: { grace_period_hours: 0 } },
    { method: 'POST', url: `${base}/keys/${other.keyId}/revoke` },
    { method: 'DELETE', url: `${base}/keys/${other.keyId}` },
    { method: 'PATCH', url: `${members}/members/${other.owner.id}`, payload: { role: 'member' } },
    { method: 'PATCH', url: `${members}/members/${other.member.id}`, payload: { role: 'owner' } },
    { method: 'DELETE', url: `${members}/members/${other.member.id}` },
    { method: 'DELETE', url: `${members}/invitations/${other.invitationId}` },
    { method: 'PATCH', url: `${base}/webhooks/${other.webhookId}`, payload: { enabled: false } },
    { method: 'POST', url: `${base}/webhooks/${other.webhookId}/rotate-secret` },
    { method: 'POST', url: `${base}/webhooks/${other.webhookId}/deliveries/${other.deliveryId}/redeliver` },
    { method: 'DELETE', url: `${base}/webhooks/${other.webhookId}` },
    { method: 'DELETE', url: `${members}/delegations/${other.delegationId}` },
    { method: 'PUT', url: `${base}/templates/${other.templateId}`, payload: { system_prompt: 'stolen' } },
    { method: 'DELETE', url: `${base}/templates/${other.templateId}` },
    { method: 'POST', url: `${base}/templates/${other.templateId}/promote`, payload: { scope: 'project' } },
    { method: 'GET', url: `${base}/templates/${other.templateId}/versions/1` },
    { method: 'GET', url: `${base}/discovery/${other.candidateId}` },
    { method: 'POST', url: `${base}/discovery/${other.candidateId}/accept` },
    { method: 'POST', url: `${base}/discovery/${other.candidateId}/reject`, payload: { reason: 'stolen' } },
    {
      method: 'POST',
      url: `${members}/delegations`,
      payload: { user_id: other.member.id, tier: 'destructive' },
    },
  ];

  it("with project A's own key on A's routes", async () => {
    const before = await snapshot(b);
    const base = `/${a.id}/v1/management`;
    for (const c of cases(a, b, base, `${base}/project`)) {
      const res = await t.app.inject({ ...c, method: c.method as 'POST', headers: bearer(a.key) });
      expectError(res, 404, 'not_found');
    }
    expect(await snapshot(b)).toEqual(before);
  });

  it('with a dashboard session whose active project is A, on /ops/api', async () => {
    const before = await snapshot(b);
    for (const c of cases(a, b, '/ops/api', '/ops/api')) {
      const res = await opsRequest(t.app, a.session, c.method as 'POST', c.url, c.payload);
      expectError(res, 404, 'not_found');
    }
    expect(await snapshot(b)).toEqual(before);
  });

  it("another project's executions and approvals, by the API and by the dashboard", async () => {
    const before = await snapshot(b);
    const exec = (base: string) => [
      { method: 'GET', url: `${base}/executions/${b.executionId}` },
      { method: 'POST', url: `${base}/executions/${b.executionId}/cancel` },
      { method: 'GET', url: `${base}/approvals/${b.approvalId}` },
      { method: 'POST', url: `${base}/approvals/${b.approvalId}/approve`, payload: {} },
      { method: 'POST', url: `${base}/approvals/${b.approvalId}/reject`, payload: {} },
    ];
    for (const c of exec(`/${a.id}/v1/exec`)) {
      const res = await t.app.inject({ ...c, method: c.method as 'POST', headers: bearer(a.key) });
      expectError(res, 404, 'not_found');
    }
    for (const c of exec('/ops/api')) {
      expectError(await opsRequest(t.app, a.session, c.method as 'POST', c.url, c.payload), 404, 'not_found');
    }
    expect(await snapshot(b)).toEqual(before);
  });

  it("another project's chats, by the API and by the dashboard", async () => {
    const before = await snapshot(b);
    const chats = (base: string) => [
      { method: 'GET', url: `${base}/chats/${b.chatId}` },
      { method: 'GET', url: `${base}/chats/${b.chatId}/messages` },
      { method: 'GET', url: `${base}/chats/${b.chatId}/stream` },
      { method: 'POST', url: `${base}/chats/${b.chatId}/messages`, payload: { content: 'stolen' } },
      {
        method: 'POST',
        url: `${base}/chats/${b.chatId}/tool-calls`,
        payload: { tool: 'cross-tool', args: {} },
      },
      {
        method: 'POST',
        url: `${base}/chats/${b.chatId}/answer`,
        payload: { approval_id: b.approvalId, decision: 'approve' },
      },
      { method: 'DELETE', url: `${base}/chats/${b.chatId}` },
      {
        method: 'POST',
        url: `${base}/workspaces/${b.workspaceId}/chat-templates/${a.templateId}/apply`,
        payload: {},
      },
      { method: 'POST', url: `${base}/chats`, payload: { workspace: b.workspaceId } },
    ];
    for (const c of chats(`/${a.id}/v1`)) {
      const res = await t.app.inject({ ...c, method: c.method as 'POST', headers: bearer(a.key) });
      expectError(res, 404, 'not_found');
    }
    for (const c of chats('/ops/api')) {
      expectError(await opsRequest(t.app, a.session, c.method as 'POST', c.url, c.payload), 404, 'not_found');
    }
    // A's own chat cannot answer B's approval either.
    const own = await t.app.inject({
      method: 'POST',
      url: `/${a.id}/v1/chats/${a.chatId}/answer`,
      headers: bearer(a.key),
      payload: { approval_id: b.approvalId, decision: 'approve' },
    });
    expectError(own, 404, 'not_found');
    expect(await snapshot(b)).toEqual(before);
  });

  it("audit filters by another project's ids find nothing", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/${a.id}/v1/management/audit?target_id=${b.keyId}`,
      headers: bearer(a.key),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([]);
    // The id is real: B's own audit has it.
    const own = await t.app.inject({
      method: 'GET',
      url: `/${b.id}/v1/management/audit?target_id=${b.keyId}`,
      headers: bearer(b.key),
    });
    expect(own.json().data.length).toBeGreaterThan(0);
  });

  it('an admin session acting in A cannot reach B objects either', async () => {
    const adminUser = await seedUser(t, { isAdmin: true });
    const session = await login(t.app, adminUser.email, adminUser.password);
    const switched = await opsRequest(t.app, session, 'POST', '/ops/session/project', { project_id: a.id });
    expect(switched.statusCode, switched.body).toBe(200);
    const res = await opsRequest(t.app, session, 'POST', `/ops/api/keys/${b.keyId}/revoke`);
    expectError(res, 404, 'not_found');
    const key = await createKeyAs(t.app, session, ['management']);
    const viaKey = await t.app.inject({
      method: 'DELETE',
      url: `/${a.id}/v1/management/project/members/${b.owner.id}`,
      headers: bearer(key),
    });
    expectError(viaKey, 404, 'not_found');
  });
});
