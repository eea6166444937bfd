import { randomBytes } from 'node:crypto';
import { CreatedKey, CreatedWebhook, Template, TokenResponse } from '@xem/protocol';
import { connectFake, seedExecAgent, tool } from '../../test/execution-fixtures';
import { enroll, mintJoinKey, newAgentKeys, type AgentKeys } from '../../test/fleet-helpers';
import {
  bearer,
  login,
  opsRequest,
  seedMembership,
  seedProject,
  seedUser,
  type Browser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';
import { newId } from '../ids';
import type { Principal } from './authz-principals';

/** How a principal presents itself: a dashboard session, a bearer token, or nothing. */
export interface Credential {
  session?: Browser;
  bearer?: string;
}

/** Project A (the one every request targets) seen from every principal, plus its objects. */
export interface AuthzWorld {
  t: TestApp;
  projectId: string;
  owner: SeededUser;
  ownerSession: Browser;
  ownerKey: string;
  agentId: string;
  agentKeys: AgentKeys;
  credentials: Record<Principal, Credential>;
  users: Partial<Record<Principal, SeededUser>>;
  /** Objects that requests denied by the matrix point at; they must never change. */
  shared: Ids;
  /** Fresh objects for one request that the matrix allows to change something. */
  fresh(route: string): Promise<Ids>;
}

export type Ids = Record<string, string>;

async function tokenFor(t: TestApp, email: string, password: string, projectId: string, scopes?: string[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { email, password, name: 'authz', project: projectId, ...(scopes ? { scopes } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`token failed ${res.statusCode}: ${res.body}`);
  return TokenResponse.parse(res.json()).key;
}

async function ownerKey(t: TestApp, s: Browser, scopes: string[]): Promise<string> {
  const res = await opsRequest(t.app, s, 'POST', '/ops/api/keys', { name: `k-${scopes.join('-')}`, scopes });
  if (res.statusCode !== 201) throw new Error(`key failed ${res.statusCode}: ${res.body}`);
  return CreatedKey.parse(res.json()).key;
}

const unique = () => randomBytes(4).toString('hex');

/** Builds project A with an owner, a member, a delegate, an admin from outside, and project B. */
export async function buildAuthzWorld(t: TestApp): Promise<AuthzWorld> {
  const a = await seedProject(t);
  const b = await seedProject(t);
  const ownerSession = await login(t.app, a.owner.email, a.owner.password);
  const member = await seedUser(t);
  const delegate = await seedUser(t);
  const outsider = await seedUser(t);
  const admin = await seedUser(t, { isAdmin: true });
  await seedMembership(t, a.id, member.id, 'member');
  await seedMembership(t, a.id, delegate.id, 'member');
  const adminSession = await login(t.app, admin.email, admin.password);
  const switched = await opsRequest(t.app, adminSession, 'POST', '/ops/session/project', {
    project_id: a.id,
  });
  if (switched.statusCode !== 200) throw new Error(`admin switch failed: ${switched.body}`);
  const bSession = await login(t.app, b.owner.email, b.owner.password);
  const granted = await opsRequest(t.app, ownerSession, 'POST', '/ops/api/delegations', {
    user_id: delegate.id,
    tier: 'destructive',
  });
  if (granted.statusCode !== 201) throw new Error(`delegation failed: ${granted.body}`);

  const agentKeys = newAgentKeys();
  const agent = await enroll(t, (await mintJoinKey(t, ownerSession)).key, 'authz-agent', agentKeys);
  await offerTools(t, a.id);

  const ownerFull = await tokenFor(t, a.owner.email, a.owner.password, a.id);
  const credentials: Record<Principal, Credential> = {
    owner: { session: ownerSession, bearer: ownerFull },
    member: {
      session: await login(t.app, member.email, member.password),
      bearer: await tokenFor(t, member.email, member.password, a.id),
    },
    delegate: {
      session: await login(t.app, delegate.email, delegate.password),
      bearer: await tokenFor(t, delegate.email, delegate.password, a.id),
    },
    // Belongs to no project: no key of A can exist for them, so on the API they present the session.
    non_member: { session: await login(t.app, outsider.email, outsider.password) },
    admin: { session: adminSession, bearer: await tokenFor(t, admin.email, admin.password, a.id) },
    key_execution: { bearer: await ownerKey(t, ownerSession, ['execution']) },
    key_management: { bearer: await ownerKey(t, ownerSession, ['management']) },
    key_inference: { bearer: await ownerKey(t, ownerSession, ['inference']) },
    key_other_project: { bearer: await ownerKey(t, bSession, ['execution', 'management', 'inference']) },
    agent: { bearer: agent.credential },
    anonymous: {},
  };
  const users: Partial<Record<Principal, SeededUser>> = {
    owner: a.owner,
    member,
    delegate,
    non_member: outsider,
    admin,
  };
  const w = { t, projectId: a.id, ownerSession, ownerKey: ownerFull, agentId: agent.agent_id };
  const shared: Ids = {};
  for (const name of PARAM_NAMES) shared[name] = await make(w, name, shared);
  return {
    ...w,
    owner: a.owner,
    agentKeys,
    credentials,
    users,
    shared,
    fresh: async (route) => {
      const made: Ids = {};
      for (const name of route.match(/:[a-z_]+/g) ?? []) {
        const param = name.slice(1);
        if (param === 'project_id' || param === 'name' || param === 'version') continue;
        made[param] = await make(w, param, made);
      }
      const ids = { ...shared, ...made };
      await prepare(w, route, ids);
      return ids;
    },
  };
}

type Base = Pick<AuthzWorld, 't' | 'projectId' | 'ownerSession' | 'ownerKey' | 'agentId'>;

const PARAM_NAMES = [
  'key_id',
  'user_id',
  'invitation_id',
  'delegation_id',
  'workspace_id',
  'agent_id',
  'join_key_id',
  'execution_id',
  'chat_id',
  'approval_id',
  'webhook_id',
  'delivery_id',
  'template_id',
  'candidate_id',
];

/** An online agent (connected through a recording socket) offering a read and a destructive tool. */
async function offerTools(t: TestApp, projectId: string): Promise<void> {
  const id = await seedExecAgent(t, {
    projectId,
    tools: [tool('authz-read'), tool('authz-risky', { risk: 'destructive' })],
  });
  connectFake(t.deps.registry, id, projectId);
}

async function ops(w: Base, method: 'POST' | 'PATCH', url: string, body: object, status = 201) {
  const res = await opsRequest(w.t.app, w.ownerSession, method, url, body);
  if (res.statusCode !== status) throw new Error(`${method} ${url} failed ${res.statusCode}: ${res.body}`);
  return res.json<Record<string, unknown>>();
}

async function execution(w: Base, tool: string, chatId?: string) {
  const res = await w.t.app.inject({
    method: 'POST',
    url: chatId ? `/${w.projectId}/v1/chats/${chatId}/tool-calls` : `/${w.projectId}/v1/exec/executions`,
    headers: bearer(w.ownerKey),
    payload: chatId ? { tool, args: {} } : { workspace: 'default', tool, args: {}, queue: true },
  });
  if (res.statusCode >= 300) throw new Error(`execution of ${tool} failed ${res.statusCode}: ${res.body}`);
  const row = await w.t.deps.db
    .selectFrom('executions')
    .select(['id', 'approval_id'])
    .where('project_id', '=', w.projectId)
    .where('tool', '=', tool)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row;
}

/** One new object of the kind a path parameter names, owned by project A. */
async function make(w: Base, param: string, ids: Ids = {}): Promise<string> {
  const { t } = w;
  switch (param) {
    case 'key_id':
      return CreatedKey.parse(
        await ops(w, 'POST', '/ops/api/keys', { name: 'target', scopes: ['execution'] }),
      ).api_key.id;
    case 'user_id': {
      const u = await seedUser(t);
      await seedMembership(t, w.projectId, u.id, 'member');
      return u.id;
    }
    case 'invitation_id': {
      const body = await ops(w, 'POST', '/ops/api/members', { email: `inv-${unique()}@example.test` });
      return (body.invitation as { id: string }).id;
    }
    case 'delegation_id': {
      const u = await seedUser(t);
      await seedMembership(t, w.projectId, u.id, 'member');
      return (await ops(w, 'POST', '/ops/api/delegations', { user_id: u.id, tier: 'destructive' }))
        .id as string;
    }
    case 'workspace_id':
      return (await ops(w, 'POST', '/ops/api/workspaces', { name: `ws-${unique()}` })).id as string;
    case 'join_key_id':
      return (await mintJoinKey(t, w.ownerSession)).join_key.id;
    case 'agent_id': {
      const agent = await enroll(t, (await mintJoinKey(t, w.ownerSession)).key, `agent-${unique()}`);
      return agent.agent_id;
    }
    case 'execution_id':
      return (await execution(w, 'authz-read')).id;
    case 'approval_id':
      return (await execution(w, 'authz-risky', ids.chat_id)).approval_id!;
    case 'webhook_id':
      return CreatedWebhook.parse(
        await ops(w, 'POST', '/ops/api/webhooks', {
          url: 'https://hooks.example.test/xem',
          events: ['exec.completed'],
        }),
      ).webhook.id;
    case 'delivery_id': {
      const id = newId('whd');
      await t.deps.db
        .insertInto('webhook_deliveries')
        .values({
          id,
          webhook_id: ids.webhook_id!,
          event_id: null,
          envelope_id: 'evt_000000000000000000000000',
          type: 'exec.test',
          body: '{}',
          status: 'succeeded',
          next_attempt_at: null,
        })
        .execute();
      return id;
    }
    case 'template_id':
      return Template.parse(
        await ops(w, 'POST', '/ops/api/templates', {
          name: `tpl-${unique()}`,
          allowed_tools: ['authz-read'],
        }),
      ).id;
    case 'candidate_id': {
      const id = newId('disc');
      await t.deps.db
        .insertInto('discovery_candidates')
        .values({
          id,
          project_id: w.projectId,
          agent_id: w.agentId,
          kind: 'tcp_listener',
          name: 'sshd',
          address: `10.0.0.1:${unique()}`,
          dedupe_key: unique(),
          attributes: '{}',
          decided_by: null,
          decided_at: null,
          reason: null,
        })
        .execute();
      return id;
    }
    case 'chat_id': {
      const res = await t.app.inject({
        method: 'POST',
        url: `/${w.projectId}/v1/chats`,
        headers: bearer(w.ownerKey),
        payload: { workspace: 'default', message: 'a note' },
      });
      if (res.statusCode !== 201) throw new Error(`chat failed ${res.statusCode}: ${res.body}`);
      return res.json<{ id: string }>().id;
    }
    default:
      throw new Error(`no factory for :${param}`);
  }
}

/** Puts fresh objects in the state the route acts on. */
async function prepare(w: Base, route: string, ids: Ids): Promise<void> {
  const { t } = w;
  if (/\/:execution_id\/(mark-failed|retry)$/.test(route)) {
    await t.deps.db
      .updateTable('executions')
      .set({ status: 'ambiguous' })
      .where('id', '=', ids.execution_id!)
      .execute();
  }
  if (/^DELETE .*\/workspaces\/:workspace_id\/agents\/:agent_id$/.test(route)) {
    await ops(w, 'POST', `/ops/api/workspaces/${ids.workspace_id}/agents`, { agent_id: ids.agent_id! }, 200);
  }
  if (/\/agents\/:agent_id\/resume-exec$/.test(route)) {
    await ops(w, 'POST', `/ops/api/agents/${ids.agent_id}/pause-exec`, { reason: 'authz' }, 200);
  }
  if (/\/workspaces\/:workspace_id\/resume$/.test(route)) {
    await ops(w, 'POST', `/ops/api/workspaces/${ids.workspace_id}/pause`, { reason: 'authz' }, 200);
  }
  if (/\/:template_id\/promote$/.test(route)) {
    // Promotion widens: a workspace template becomes a project one.
    const created = await ops(w, 'POST', '/ops/api/templates', {
      name: `tpl-${unique()}`,
      scope: 'workspace',
      workspace_id: ids.workspace_id,
    });
    ids.template_id = Template.parse(created).id;
  }
  if (/^POST .*\/delegations$/.test(route)) ids.user_id = await make(w, 'user_id');
  if (/\/chats\/:chat_id\/answer$/.test(route)) {
    ids.approval_id = (await execution(w, 'authz-risky', ids.chat_id)).approval_id!;
  }
}
