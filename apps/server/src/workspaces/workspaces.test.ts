import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, Workspace } from '@xem/protocol';
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

let t: TestApp;
let admin: Browser;
let member: Browser;
let key: string;
let api: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const m = await seedUser(t);
  await seedMembership(t, t.projectId, m.id, 'member');
  member = await login(t.app, m.email, m.password);
  key = await createKeyAs(t.app, admin, ['management']);
  api = `/${t.projectId}/v1/management/workspaces`;
});
afterAll(() => t.close());

async function create(name: string, extra: Record<string, unknown> = {}): Promise<Workspace> {
  const res = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return Workspace.parse(res.json());
}

/** The audit row and the event a request wrote (matched by request id and event type). */
async function trail(requestId: string, eventType: string) {
  const audit = await t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'target_id', 'outcome', 'actor_type'])
    .where('request_id', '=', requestId)
    .execute();
  const events = await t.deps.db
    .selectFrom('events')
    .select(['type', 'payload'])
    .where('project_id', '=', t.projectId)
    .where('type', '=', eventType)
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  return { audit, event: events[0] };
}

describe('workspaces', () => {
  it('every project has a default workspace, listed first', async () => {
    const res = await t.app.inject({ method: 'GET', url: api, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    const list = listOf(Workspace).parse(res.json());
    expect(list.data[0]).toMatchObject({ name: 'default', is_default: true, paused: false, type: 'generic' });
  });

  it('creates a workspace (audit + event), refuses a duplicate name with 409 naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: api,
      headers: bearer(key),
      payload: { name: 'prod-eu', type: 'kubernetes', description: 'EU cluster' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const ws = Workspace.parse(res.json());
    expect(ws).toMatchObject({ name: 'prod-eu', type: 'kubernetes', is_default: false, agent_ids: [] });
    const { audit, event } = await trail(String(res.headers['x-request-id']), 'workspace.created');
    expect(audit).toEqual([
      { action: 'workspace.create', target_id: ws.id, outcome: 'success', actor_type: 'api_key' },
    ]);
    expect(event?.payload).toEqual(ws);

    const dup = await t.app.inject({
      method: 'POST',
      url: api,
      headers: bearer(key),
      payload: { name: 'prod-eu' },
    });
    expect(expectError(dup, 409, 'conflict').error.param).toBe('name');
  });

  it('refuses a bad name or type with 400 naming the field', async () => {
    const bad = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: '../etc' });
    expect(expectError(bad, 400, 'invalid_body').error.param).toBe('name');
    const type = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'ok', type: 'K8S' });
    expect(expectError(type, 400, 'invalid_body').error.param).toBe('type');
  });

  it('shows, renames and describes a workspace; an unknown id is 404', async () => {
    const ws = await create('staging');
    const shown = await opsRequest(t.app, admin, 'GET', `/ops/api/workspaces/${ws.id}`);
    expect(Workspace.parse(shown.json())).toEqual(ws);
    const res = await opsRequest(t.app, admin, 'PATCH', `/ops/api/workspaces/${ws.id}`, {
      name: 'staging-2',
      description: 'second',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'staging-2', description: 'second' });
    const { audit } = await trail(String(res.headers['x-request-id']), 'workspace.updated');
    expect(audit.map((a) => a.action)).toEqual(['workspace.update']);
    const auditCount = async () =>
      (await t.deps.db.selectFrom('audit_log').select('seq').where('target_id', '=', ws.id).execute()).length;
    const rows = await auditCount();
    const same = await opsRequest(t.app, admin, 'PATCH', `/ops/api/workspaces/${ws.id}`, {
      name: 'staging-2',
    });
    expect(same.statusCode).toBe(200);
    expect(await auditCount()).toBe(rows);
    const clash = await opsRequest(t.app, admin, 'PATCH', `/ops/api/workspaces/${ws.id}`, {
      name: 'default',
    });
    expectError(clash, 409, 'conflict');
    expectError(await opsRequest(t.app, admin, 'GET', '/ops/api/workspaces/ws_nope'), 404, 'not_found');
  });

  it('moves the default: exactly one default afterwards; the default cannot be deleted', async () => {
    const ws = await create('new-default');
    const res = await opsRequest(t.app, admin, 'PATCH', `/ops/api/workspaces/${ws.id}`, { is_default: true });
    expect(res.json()).toMatchObject({ is_default: true });
    const list = listOf(Workspace).parse(
      (await opsRequest(t.app, admin, 'GET', '/ops/api/workspaces')).json(),
    );
    expect(list.data.filter((w) => w.is_default).map((w) => w.id)).toEqual([ws.id]);
    const del = await opsRequest(t.app, admin, 'DELETE', `/ops/api/workspaces/${ws.id}`);
    expect(expectError(del, 409, 'conflict').error.message).toContain('default');
    // Move it back so the other tests see the original default.
    const original = list.data.find((w) => w.name === 'default')!;
    await opsRequest(t.app, admin, 'PATCH', `/ops/api/workspaces/${original.id}`, { is_default: true });
  });

  it('deletes an unused workspace; one with unfinished executions or history is refused with 409', async () => {
    const unused = await create('scratch');
    const res = await opsRequest(t.app, admin, 'DELETE', `/ops/api/workspaces/${unused.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { audit, event } = await trail(String(res.headers['x-request-id']), 'workspace.deleted');
    expect(audit.map((a) => a.action)).toEqual(['workspace.delete']);
    expect(event?.payload).toMatchObject({ id: unused.id });
    expectError(await opsRequest(t.app, admin, 'GET', `/ops/api/workspaces/${unused.id}`), 404, 'not_found');

    const busy = await create('busy');
    const insertExecution = (status: string) =>
      t.deps.db
        .insertInto('executions')
        .values({
          id: `exe_${status}_${busy.id}`,
          project_id: t.projectId,
          workspace_id: busy.id,
          tool: 'echo',
          args: '{}',
          risk: 'read',
          idempotent: true,
          timeout_ms: 1000,
          source: 'api',
          status,
          attempt: 0,
          max_attempts: 3,
        })
        .execute();
    await insertExecution('queued');
    const refused = await opsRequest(t.app, admin, 'DELETE', `/ops/api/workspaces/${busy.id}`);
    expect(expectError(refused, 409, 'conflict').error.message).toContain('unfinished');
    await t.deps.db
      .updateTable('executions')
      .set({ status: 'completed' })
      .where('workspace_id', '=', busy.id)
      .execute();
    const history = await opsRequest(t.app, admin, 'DELETE', `/ops/api/workspaces/${busy.id}`);
    expect(expectError(history, 409, 'conflict').error.message).toContain('history');
  });

  it('pauses with a reason and resumes, each with audit + event; resume wakes the dispatcher', async () => {
    const ws = await create('pausable');
    const paused = await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/pause`, {
      reason: 'maintenance window',
    });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, pause_reason: 'maintenance window' });
    expect(paused.json().paused_at).toEqual(expect.any(String));
    let trailOf = await trail(String(paused.headers['x-request-id']), 'workspace.paused');
    expect(trailOf.audit.map((a) => a.action)).toEqual(['workspace.pause']);
    expect(trailOf.event?.payload).toMatchObject({ id: ws.id, paused: true });

    const notified: string[] = [];
    const unlisten = await t.deps.listen('xem_dispatch', (p) => notified.push(p));
    const resumed = await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/resume`);
    expect(resumed.json()).toMatchObject({ paused: false, pause_reason: null, paused_at: null });
    trailOf = await trail(String(resumed.headers['x-request-id']), 'workspace.resumed');
    expect(trailOf.audit.map((a) => a.action)).toEqual(['workspace.resume']);
    const until = Date.now() + 3000;
    while (!notified.includes(ws.id) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await unlisten();
    expect(notified).toContain(ws.id);

    const missingReason = await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/pause`, {});
    expect(expectError(missingReason, 400, 'invalid_body').error.param).toBe('reason');
  });

  it('binds and unbinds an agent (audit + event workspace.updated); the agent lists its workspaces', async () => {
    const ws = await create('bindable');
    const jk = await mintJoinKey(t, admin);
    const cred = await enroll(t, jk.key, 'binder');
    const bound = await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/agents`, {
      agent_id: cred.agent_id,
    });
    expect(bound.statusCode, bound.body).toBe(200);
    expect(bound.json().agent_ids).toEqual([cred.agent_id]);
    const { audit, event } = await trail(String(bound.headers['x-request-id']), 'workspace.updated');
    expect(audit.map((a) => a.action)).toEqual(['workspace.bind_agent']);
    expect(event?.payload).toMatchObject({ id: ws.id, agent_ids: [cred.agent_id] });
    const agent = await opsRequest(t.app, admin, 'GET', `/ops/api/agents/${cred.agent_id}`);
    expect(agent.json().workspace_ids).toContain(ws.id);

    const unbound = await opsRequest(
      t.app,
      admin,
      'DELETE',
      `/ops/api/workspaces/${ws.id}/agents/${cred.agent_id}`,
    );
    expect(unbound.json().agent_ids).toEqual([]);
    const unbindTrail = await trail(String(unbound.headers['x-request-id']), 'workspace.updated');
    expect(unbindTrail.audit.map((a) => a.action)).toEqual(['workspace.unbind_agent']);
    const again = await opsRequest(
      t.app,
      admin,
      'DELETE',
      `/ops/api/workspaces/${ws.id}/agents/${cred.agent_id}`,
    );
    expectError(again, 404, 'not_found');
    const unknown = await opsRequest(t.app, admin, 'POST', `/ops/api/workspaces/${ws.id}/agents`, {
      agent_id: 'agt_nope',
    });
    expectError(unknown, 404, 'not_found');
  });

  it('members read but cannot change workspaces (403 owner_required, audited as denied)', async () => {
    const ws = await create('owners-only');
    const read = await opsRequest(t.app, member, 'GET', '/ops/api/workspaces');
    expect(read.statusCode).toBe(200);
    const writes: Array<['POST' | 'PATCH' | 'DELETE', string, object?]> = [
      ['POST', '/ops/api/workspaces', { name: 'sneaky' }],
      ['PATCH', `/ops/api/workspaces/${ws.id}`, { description: 'x' }],
      ['DELETE', `/ops/api/workspaces/${ws.id}`],
      ['POST', `/ops/api/workspaces/${ws.id}/pause`, { reason: 'x' }],
      ['POST', `/ops/api/workspaces/${ws.id}/resume`],
      ['POST', `/ops/api/workspaces/${ws.id}/agents`, { agent_id: 'agt_x' }],
      ['DELETE', `/ops/api/workspaces/${ws.id}/agents/agt_x`],
    ];
    for (const [method, url, body] of writes) {
      const res = await opsRequest(t.app, member, method, url, body);
      expectError(res, 403, 'owner_required');
      const audit = await t.deps.db
        .selectFrom('audit_log')
        .select(['action', 'outcome'])
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(audit, `${method} ${url}`).toEqual([{ action: 'auth.permission_refused', outcome: 'denied' }]);
    }
    const after = await opsRequest(t.app, admin, 'GET', `/ops/api/workspaces/${ws.id}`);
    expect(Workspace.parse(after.json())).toEqual(ws);
  });
});
