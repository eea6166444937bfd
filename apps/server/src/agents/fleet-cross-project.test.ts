import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedKey } from '@xem/protocol';
import { enroll, mintJoinKey } from '../../test/fleet-helpers';
import {
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedProject,
  type Browser,
  type TestApp,
} from '../../test/test-app';

interface Side {
  id: string;
  session: Browser;
  key: string;
  workspaceId: string;
  agentId: string;
  joinKeyId: string;
}

let t: TestApp;
let a: Side;
let b: Side;

/** A project with an owner session, a management key, a workspace, an enrolled agent and a join key. */
async function side(): Promise<Side> {
  const p = await seedProject(t);
  const session = await login(t.app, p.owner.email, p.owner.password);
  const created = CreatedKey.parse(
    (await opsRequest(t.app, session, 'POST', '/ops/api/keys', { name: 'k', scopes: ['management'] })).json(),
  );
  const ws = (await opsRequest(t.app, session, 'POST', '/ops/api/workspaces', { name: 'extra' })).json();
  const enrolled = await enroll(t, (await mintJoinKey(t, session)).key, 'agent-one');
  const jk = await mintJoinKey(t, session);
  return {
    id: p.id,
    session,
    key: created.key,
    workspaceId: ws.id,
    agentId: enrolled.agent_id,
    joinKeyId: jk.join_key.id,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await side();
  b = await side();
});
afterAll(() => t.close());

/** Every fleet route that names an object, aimed at `other`'s objects from `base`. */
function cases(base: string, other: Side, own: Side) {
  const ws = `${base}/workspaces/${other.workspaceId}`;
  const agent = `${base}/agents/${other.agentId}`;
  return [
    { method: 'GET', url: ws },
    { method: 'PATCH', url: ws, payload: { description: 'mine now' } },
    { method: 'DELETE', url: ws },
    { method: 'POST', url: `${ws}/pause`, payload: { reason: 'x' } },
    { method: 'POST', url: `${ws}/resume` },
    { method: 'POST', url: `${ws}/agents`, payload: { agent_id: own.agentId } },
    { method: 'DELETE', url: `${ws}/agents/${other.agentId}` },
    // Own workspace, other's agent.
    {
      method: 'POST',
      url: `${base}/workspaces/${own.workspaceId}/agents`,
      payload: { agent_id: other.agentId },
    },
    { method: 'POST', url: `${base}/join-keys`, payload: { workspace_id: other.workspaceId } },
    { method: 'POST', url: `${base}/join-keys/${other.joinKeyId}/revoke` },
    { method: 'DELETE', url: `${base}/join-keys/${other.joinKeyId}` },
    { method: 'GET', url: agent },
    { method: 'PATCH', url: agent, payload: { description: 'mine now' } },
    { method: 'POST', url: `${agent}/pause-exec`, payload: { reason: 'x' } },
    { method: 'POST', url: `${agent}/pause-exec`, payload: { reason: 'x', workspace_id: other.workspaceId } },
    { method: 'POST', url: `${agent}/resume-exec` },
    { method: 'POST', url: `${agent}/drain` },
    { method: 'POST', url: `${agent}/revoke-credentials` },
  ];
}

async function snapshot(s: Side) {
  const db = t.deps.db;
  return {
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
    bindings: await db
      .selectFrom('workspace_agents')
      .innerJoin('workspaces', 'workspaces.id', 'workspace_agents.workspace_id')
      .selectAll('workspace_agents')
      .where('workspaces.project_id', '=', s.id)
      .orderBy('workspace_agents.agent_id')
      .execute(),
  };
}

describe("another project's workspaces, agents and join keys are 404 not_found", () => {
  it("with project B's management key on B's routes, naming A's ids", async () => {
    const before = await snapshot(a);
    for (const c of cases(`/${b.id}/v1/management`, a, b)) {
      const res = await t.app.inject({ ...c, method: c.method as 'GET', headers: bearer(b.key) });
      expect(res.statusCode, `${c.method} ${c.url}: ${res.body}`).toBe(404);
      expectError(res, 404, 'not_found');
    }
    expect(await snapshot(a)).toEqual(before);
  });

  it("with B's dashboard session on /ops/api, naming A's ids", async () => {
    const before = await snapshot(a);
    for (const c of cases('/ops/api', a, b)) {
      const res = await opsRequest(t.app, b.session, c.method as 'GET', c.url, c.payload);
      expectError(res, 404, 'not_found');
    }
    expect(await snapshot(a)).toEqual(before);
  });

  it("lists show only the project's own objects", async () => {
    for (const what of ['workspaces', 'agents', 'join-keys']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/${b.id}/v1/management/${what}`,
        headers: bearer(b.key),
      });
      const ids = (res.json().data as Array<{ id: string }>).map((x) => x.id);
      expect(ids, what).not.toContain(a.workspaceId);
      expect(ids, what).not.toContain(a.agentId);
      expect(ids, what).not.toContain(a.joinKeyId);
      expect(ids.length, what).toBeGreaterThan(0);
    }
  });
});
