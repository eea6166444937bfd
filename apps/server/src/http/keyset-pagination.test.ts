import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CreatedJoinKey } from '@xem/protocol';
import { enroll } from '../../test/fleet-helpers';
import {
  bearer,
  createTestApp,
  expectError,
  seedApiKey,
  seedProject,
  seedUser,
  type TestApp,
} from '../../test/test-app';
import { newId } from '../ids';

let t: TestApp;
let key: string;
let projectId: string;

interface Page {
  data: Record<string, unknown>[];
  next_cursor: string | null;
}

async function get(url: string): Promise<Page> {
  const res = await t.app.inject({ method: 'GET', url, headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Page>();
}

/** Every page of `path` at `limit` rows a page, in order. */
async function walk(path: string, limit: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('cursor', cursor);
    const page = await get(`${path}?${q}`);
    expect(page.data.length).toBeLessThanOrEqual(limit);
    rows.push(...page.data);
    cursor = page.next_cursor;
    if (cursor === null) return rows;
    expect(page.data.length).toBe(limit);
  }
  throw new Error('too many pages');
}

const mgmt = () => `/${projectId}/v1/management`;

beforeAll(async () => {
  t = await createTestApp();
  const p = await seedProject(t);
  projectId = p.id;
  key = (await seedApiKey(t, projectId, p.owner.id)).key;
  // Five more API keys, five more members (three of them joined in the same microsecond, so
  // the id has to break the tie), five invitations (two at the same time), five workspaces,
  // five join keys, five agents and tools offered by several agents.
  for (let i = 0; i < 5; i++) await seedApiKey(t, projectId, p.owner.id);
  const sameTime = new Date('2026-01-02T03:04:05.123456Z');
  for (let i = 0; i < 5; i++) {
    const u = await seedUser(t);
    await t.deps.db
      .insertInto('memberships')
      .values({
        project_id: projectId,
        user_id: u.id,
        role: 'member',
        ...(i < 3 ? { created_at: sameTime } : {}),
      })
      .execute();
  }
  for (let i = 0; i < 5; i++) {
    await t.deps.db
      .insertInto('invitations')
      .values({
        id: newId('inv'),
        project_id: projectId,
        email: `invitee-${i}@example.test`,
        role: 'member',
        token_hash: `hash-${projectId}-${i}`,
        invited_by: p.owner.id,
        ...(i < 2 ? { created_at: sameTime } : {}),
        expires_at: sql<Date>`now() + interval '1 day'`,
      })
      .execute();
  }
  for (let i = 0; i < 5; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: `${mgmt()}/workspaces`,
      headers: bearer(key),
      payload: { name: `ws-${i}` },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  let joinKey = '';
  for (let i = 0; i < 5; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: `${mgmt()}/join-keys`,
      headers: bearer(key),
      payload: { name: `jk-${i}`, max_uses: 10 },
    });
    expect(res.statusCode, res.body).toBe(201);
    joinKey = CreatedJoinKey.parse(res.json()).key;
  }
  const agentIds: string[] = [];
  for (const name of ['agent-c', 'agent-a', 'agent-e', 'agent-b', 'agent-d']) {
    agentIds.push((await enroll(t, joinKey, name)).agent_id);
  }
  const tool = (agentId: string, name: string) => ({
    agent_id: agentId,
    name,
    description: name,
    risk: 'read' as const,
    domain: 'test',
    timeout_ms: 1000,
    idempotent: true,
    mcp_visible: true,
    params: JSON.stringify({ type: 'object' }),
    bundle: 'test',
  });
  await t.deps.db
    .insertInto('agent_tools')
    .values([
      tool(agentIds[0]!, 'tool.e'),
      tool(agentIds[1]!, 'tool.a'),
      tool(agentIds[2]!, 'tool.a'),
      tool(agentIds[0]!, 'tool.c'),
      tool(agentIds[3]!, 'tool.b'),
      tool(agentIds[4]!, 'tool.d'),
      tool(agentIds[4]!, 'tool.c'),
    ])
    .execute();
});
afterAll(() => t.close());

describe('keyset pagination of the lists', () => {
  const lists: {
    name: string;
    path: () => string;
    count: number;
    id: string;
    sorted?: (r: Record<string, unknown>) => string;
  }[] = [
    { name: 'API keys', path: () => `${mgmt()}/keys`, count: 6, id: 'id' },
    { name: 'members', path: () => `${mgmt()}/project/members`, count: 6, id: 'user_id' },
    { name: 'invitations', path: () => `${mgmt()}/project/invitations`, count: 5, id: 'id' },
    { name: 'workspaces', path: () => `${mgmt()}/workspaces`, count: 5, id: 'id' },
    { name: 'join keys', path: () => `${mgmt()}/join-keys`, count: 5, id: 'id' },
    {
      name: 'agents',
      path: () => `${mgmt()}/agents`,
      count: 5,
      id: 'id',
      sorted: (r) => String(r['registration_name']),
    },
    {
      name: 'tools',
      path: () => `/${projectId}/v1/exec/tools`,
      count: 5,
      id: 'name',
      sorted: (r) => String(r['name']),
    },
  ];

  for (const l of lists) {
    it(`${l.name}: pages of 2 return every row exactly once, in the order of the whole list`, async () => {
      const whole = await get(`${l.path()}?limit=500`);
      expect(whole.next_cursor).toBeNull();
      expect(whole.data.length).toBeGreaterThanOrEqual(l.count);
      if (l.sorted) expect(whole.data.map(l.sorted)).toEqual(whole.data.map(l.sorted).sort());
      const walked = await walk(l.path(), 2);
      expect(walked.map((r) => r[l.id])).toEqual(whole.data.map((r) => r[l.id]));
      expect(new Set(walked.map((r) => r[l.id])).size).toBe(walked.length);
      expect(walked).toEqual(whole.data);
      // Without a limit the default (50) applies: one page here.
      expect((await get(l.path())).next_cursor).toBeNull();
    });

    it(`${l.name}: a cursor the API did not hand out is 400 invalid_query on 'cursor'`, async () => {
      for (const bad of ['!!!', Buffer.from('nope').toString('base64url'), 'YQ==']) {
        const res = await t.app.inject({
          method: 'GET',
          url: `${l.path()}?cursor=${encodeURIComponent(bad)}`,
          headers: bearer(key),
        });
        if (l.name === 'tools' && bad !== '!!!' && bad !== 'YQ==') continue; // any name is a valid key
        expect(expectError(res, 400, 'invalid_query').error.param).toBe('cursor');
      }
      const res = await t.app.inject({ method: 'GET', url: `${l.path()}?limit=501`, headers: bearer(key) });
      expectError(res, 400, 'invalid_query');
    });
  }

  it('tools offered by several agents stay one row across pages', async () => {
    const walked = await walk(`/${projectId}/v1/exec/tools`, 2);
    expect(walked.map((r) => r['name'])).toEqual(['tool.a', 'tool.b', 'tool.c', 'tool.d', 'tool.e']);
    expect((walked[0]!['agents'] as unknown[]).length).toBe(2);
    expect((walked[2]!['agents'] as unknown[]).length).toBe(2);
  });
});
