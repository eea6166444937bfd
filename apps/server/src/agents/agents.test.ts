import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, listOf } from '@xem/protocol';
import { enroll, mintJoinKey } from '../../test/fleet-helpers';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedMembership,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import type { AgentControlMessage } from '../channel/notify-agent';

let t: TestApp;
let admin: Browser;
let member: Browser;
let key: string;
const control: AgentControlMessage[] = [];
const dispatch: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const m = await seedUser(t);
  await seedMembership(t, t.projectId, m.id, 'member');
  member = await login(t.app, m.email, m.password);
  key = await createKeyAs(t.app, admin, ['management']);
  await t.deps.listen('xem_agent_control', (p) => control.push(JSON.parse(p) as AgentControlMessage));
  await t.deps.listen('xem_dispatch', (p) => dispatch.push(p));
});
afterAll(() => t.close());

async function newAgent(name: string): Promise<string> {
  const jk = await mintJoinKey(t, admin);
  return (await enroll(t, jk.key, name)).agent_id;
}

/** Waits for the control message a change sent to the agent (delivered on commit). */
async function controlFor(agentId: string, type: string | null): Promise<AgentControlMessage> {
  const until = Date.now() + 3000;
  for (;;) {
    const hit = control.find((m) => m.agent_id === agentId && (m.frame?.type ?? null) === type);
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no ${type ?? 'close'} control message for ${agentId}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function trail(res: { headers: Record<string, unknown> }, eventType: string, agentId: string) {
  const audit = await t.deps.db
    .selectFrom('audit_log')
    .select('action')
    .where('request_id', '=', String(res.headers['x-request-id']))
    .execute();
  const event = await t.deps.db
    .selectFrom('events')
    .select('payload')
    .where('type', '=', eventType)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  expect((event?.payload as Agent | undefined)?.id).toBe(agentId);
  return { actions: audit.map((a) => a.action), payload: event!.payload as Agent };
}

const setLease = (agentId: string, live: boolean) =>
  t.database.pool.query(
    `UPDATE agents SET status = 'online', lease_expires_at = now() + ($2::int * interval '1 minute') WHERE id = $1`,
    [agentId, live ? 5 : -5],
  );

describe('agents', () => {
  it('lists and shows agents with tool count, in-flight and workspaces computed', async () => {
    const id = await newAgent('counted');
    await t.deps.db
      .insertInto('agent_tools')
      .values(
        ['echo', 'sleep'].map((name) => ({
          agent_id: id,
          name,
          description: name,
          risk: 'read' as const,
          domain: 'core',
          timeout_ms: 1000,
          idempotent: true,
          mcp_visible: true,
          params: '{}',
          bundle: 'core',
        })),
      )
      .execute();
    const ws = await t.deps.db
      .selectFrom('workspaces')
      .select('id')
      .where('project_id', '=', t.projectId)
      .executeTakeFirstOrThrow();
    await t.deps.db
      .insertInto('executions')
      .values({
        id: 'exe_counted_1',
        project_id: t.projectId,
        workspace_id: ws.id,
        tool: 'echo',
        args: '{}',
        risk: 'read',
        idempotent: true,
        timeout_ms: 1000,
        source: 'api',
        status: 'dispatched',
        attempt: 1,
        max_attempts: 3,
        agent_id: id,
      })
      .execute();
    const res = await t.app.inject({
      method: 'GET',
      url: `/${t.projectId}/v1/management/agents`,
      headers: bearer(key),
    });
    expect(res.statusCode, res.body).toBe(200);
    const listed = listOf(Agent)
      .parse(res.json())
      .data.find((a) => a.id === id)!;
    expect(listed).toMatchObject({
      tool_count: 2,
      in_flight: 1,
      workspace_ids: [ws.id],
      paused_workspace_ids: [],
    });
    const shown = await opsRequest(t.app, member, 'GET', `/ops/api/agents/${id}`);
    expect(Agent.parse(shown.json())).toEqual(listed);
    expectError(await opsRequest(t.app, admin, 'GET', '/ops/api/agents/agt_nope'), 404, 'not_found');
  });

  it('PATCH describes an agent (audit + event)', async () => {
    const id = await newAgent('described');
    const res = await opsRequest(t.app, admin, 'PATCH', `/ops/api/agents/${id}`, {
      description: 'rack 7, slot 2',
    });
    expect(res.json()).toMatchObject({ description: 'rack 7, slot 2' });
    const { actions } = await trail(res, 'agent.updated', id);
    expect(actions).toEqual(['agent.update']);
  });

  it('pause-exec pauses the agent with a reason, sends a pause frame; resume-exec brings it back online while the lease lives', async () => {
    const id = await newAgent('pausable');
    await setLease(id, true);
    const paused = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/pause-exec`, {
      reason: 'disk full',
    });
    expect(paused.json()).toMatchObject({ status: 'paused', status_reason: 'disk full' });
    expect((await trail(paused, 'agent.paused', id)).actions).toEqual(['agent.pause']);
    expect((await controlFor(id, 'pause')).frame).toEqual({ type: 'pause', reason: 'disk full' });

    const resumed = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/resume-exec`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'online', status_reason: null });
    expect((await trail(resumed, 'agent.resumed', id)).actions).toEqual(['agent.resume']);
    await controlFor(id, 'resume');
    const bound = resumed.json().workspace_ids as string[];
    const until = Date.now() + 3000;
    while (!bound.every((w) => dispatch.includes(w)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(dispatch).toEqual(expect.arrayContaining(bound));
  });

  it('resume-exec of an agent whose lease lapsed leaves it offline', async () => {
    const id = await newAgent('lapsed');
    await setLease(id, false);
    await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/pause-exec`, { reason: 'x' });
    const resumed = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/resume-exec`, {});
    expect(resumed.json()).toMatchObject({ status: 'offline', status_reason: null });
  });

  it('pause-exec for one workspace pauses only that binding; resume-exec for it reverses that', async () => {
    const id = await newAgent('per-ws');
    await setLease(id, true);
    const ws = (await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'per-ws' })).json();
    await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/agents`, { agent_id: id });
    const paused = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/pause-exec`, {
      reason: 'migrating',
      workspace_id: ws.id,
    });
    expect(paused.json()).toMatchObject({ status: 'online', paused_workspace_ids: [ws.id] });
    expect((await trail(paused, 'agent.paused', id)).payload.paused_workspace_ids).toEqual([ws.id]);
    expect((await controlFor(id, 'pause')).frame).toEqual({
      type: 'pause',
      reason: 'migrating',
      workspace_id: ws.id,
    });
    const binding = await t.deps.db
      .selectFrom('workspace_agents')
      .select(['pause_reason'])
      .where('agent_id', '=', id)
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(binding.pause_reason).toBe('migrating');

    const resumed = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/resume-exec`, {
      workspace_id: ws.id,
    });
    expect(resumed.json()).toMatchObject({ status: 'online', paused_workspace_ids: [] });
    expect((await controlFor(id, 'resume')).frame).toEqual({ type: 'resume', workspace_id: ws.id });
    const unbound = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/pause-exec`, {
      reason: 'x',
      workspace_id: 'ws_not_bound',
    });
    expectError(unbound, 404, 'not_found');
  });

  it('drain sets draining and sends a drain frame (audit + event)', async () => {
    const id = await newAgent('drainable');
    await setLease(id, true);
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/drain`);
    expect(res.json()).toMatchObject({ status: 'draining' });
    expect((await trail(res, 'agent.draining', id)).actions).toEqual(['agent.drain']);
    await controlFor(id, 'drain');
    // On its way out: neither paused nor resumed into taking work again.
    const pause = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/pause-exec`, { reason: 'x' });
    expectError(pause, 409, 'conflict');
    const resumed = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${id}/resume-exec`);
    expect(resumed.json()).toMatchObject({ status: 'draining' });
  });

  it('revoke-credentials revokes every credential, closes the socket and refuses further controls with 409', async () => {
    const jk = await mintJoinKey(t, admin);
    const cred = await enroll(t, jk.key, 'doomed');
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/management/agents/${cred.agent_id}/revoke-credentials`,
      headers: bearer(key),
    });
    expect(res.json()).toMatchObject({ status: 'revoked' });
    expect((await trail(res, 'agent.revoked', cred.agent_id)).actions).toEqual(['agent.revoke_credentials']);
    expect((await controlFor(cred.agent_id, null)).close).toEqual({
      code: 4401,
      reason: 'credentials revoked',
    });
    const live = await t.deps.db
      .selectFrom('agent_credentials')
      .select('id')
      .where('agent_id', '=', cred.agent_id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    for (const action of ['pause-exec', 'drain']) {
      const refused = await opsRequest(t.app, admin, 'POST', `/ops/api/agents/${cred.agent_id}/${action}`, {
        reason: 'x',
      });
      expectError(refused, 409, 'conflict');
    }
  });

  it('members read agents but cannot control them (403 owner_required)', async () => {
    const id = await newAgent('guarded');
    const before = (await opsRequest(t.app, member, 'GET', `/ops/api/agents/${id}`)).json();
    for (const [method, path, body] of [
      ['PATCH', '', { description: 'x' }],
      ['POST', '/pause-exec', { reason: 'x' }],
      ['POST', '/resume-exec', {}],
      ['POST', '/drain', undefined],
      ['POST', '/revoke-credentials', undefined],
    ] as const) {
      const res = await opsRequest(t.app, member, method, `/ops/api/agents/${id}${path}`, body);
      expectError(res, 403, 'owner_required');
    }
    expect((await opsRequest(t.app, admin, 'GET', `/ops/api/agents/${id}`)).json()).toEqual(before);
  });
});
