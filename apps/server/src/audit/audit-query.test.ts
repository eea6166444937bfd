import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry, listOf, type AuditEntry as Entry } from '@xem/protocol';
import {
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedProject,
  seedUser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let projectId: string;
let key: { id: string; key: string };
let other: { id: string; key: string };
let all: Entry[];
let owner: SeededUser;
const userIds: string[] = [];

const list = async (query: string, k = key.key, pid = projectId) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/${pid}/v1/management/audit?${query}`,
    headers: bearer(k),
  });
  expect(res.statusCode, res.body).toBe(200);
  return listOf(AuditEntry).strict().parse(res.json());
};

beforeAll(async () => {
  t = await createTestApp();
  const p = await seedProject(t);
  projectId = p.id;
  owner = p.owner;
  key = await seedApiKey(t, p.id, p.owner.id);
  const post = (url: string, payload: object, k = key.key) =>
    t.app.inject({ method: 'POST', url: `/${p.id}/v1/management${url}`, headers: bearer(k), payload });
  // A varied history: three key creations, two members added, a role change, a denied attempt,
  // and one change made through the dashboard.
  for (const name of ['one', 'two', 'three']) await post('/keys', { name, scopes: ['execution'] });
  for (let i = 0; i < 2; i++) {
    const u = await seedUser(t);
    userIds.push(u.id);
    await post('/project/members', { email: u.email });
  }
  await t.app.inject({
    method: 'PATCH',
    url: `/${p.id}/v1/management/project/members/${userIds[0]}`,
    headers: bearer(key.key),
    payload: { role: 'owner' },
  });
  const exec = await seedApiKey(t, p.id, p.owner.id, ['execution']);
  await post('/keys', { name: 'denied', scopes: ['management'] }, exec.key);
  const session = await login(t.app, p.owner.email, p.owner.password);
  await opsRequest(t.app, session, 'POST', '/ops/api/keys', { name: 'dash', scopes: ['inference'] });

  // Another project's history must never show up here.
  const o = await seedProject(t);
  other = await seedApiKey(t, o.id, o.owner.id);
  await t.app.inject({
    method: 'POST',
    url: `/${o.id}/v1/management/keys`,
    headers: bearer(other.key),
    payload: { name: 'elsewhere', scopes: ['execution'] },
  });

  all = (await list('limit=500')).data;
});
afterAll(() => t.close());

const seqs = (entries: Entry[]) => entries.map((e) => e.seq);

describe('GET /:project_id/v1/management/audit', () => {
  it('returns the whole chain of this project only, newest first, with intact hashes', () => {
    expect(seqs(all)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    for (let i = 0; i < all.length - 1; i++) expect(all[i]!.prev_hash).toBe(all[i + 1]!.hash);
    expect(all.map((e) => e.after)).not.toContainEqual(expect.objectContaining({ name: 'elsewhere' }));
  });

  it('filters by action', async () => {
    const res = await list('action=api_key.create');
    expect(res.data.map((e) => e.after)).toMatchObject([
      { name: 'dash' },
      { name: 'three' },
      { name: 'two' },
      { name: 'one' },
    ]);
    expect(new Set(res.data.map((e) => e.action))).toEqual(new Set(['api_key.create']));
    expect((await list('action=no.such.action')).data).toEqual([]);
  });

  it('filters by outcome', async () => {
    const denied = await list('outcome=denied');
    expect(denied.data.map((e) => e.action)).toEqual(['auth.scope_refused']);
    const ok = await list('outcome=success');
    expect(seqs(ok.data)).toEqual(seqs(all.filter((e) => e.outcome === 'success')));
    expect(ok.data.length).toBe(all.length - 1);
    expectError(
      await t.app.inject({
        method: 'GET',
        url: `/${projectId}/v1/management/audit?outcome=maybe`,
        headers: bearer(key.key),
      }),
      400,
      'invalid_query',
    );
  });

  it('filters by actor and target', async () => {
    const byKey = await list(`actor_id=${key.id}`);
    expect(byKey.data.length).toBe(6); // 3 keys, 2 adds, 1 role change
    expect(byKey.data.every((e) => e.actor_id === key.id && e.via === 'api')).toBe(true);
    const dashboard = all.filter((e) => e.via === 'dashboard');
    expect(dashboard).toHaveLength(1);
    expect(seqs((await list(`actor_id=${dashboard[0]!.actor_id}`)).data)).toEqual(seqs(dashboard));

    const target = await list(`target_id=${userIds[0]}`);
    expect(target.data.map((e) => e.action)).toEqual(['member.set_role', 'member.add']);
    expect((await list(`target_id=${userIds[0]}&action=member.add`)).data.map((e) => e.action)).toEqual([
      'member.add',
    ]);
  });

  it('filters by time: since is inclusive, until exclusive, and together they split the log', async () => {
    const pivot = all[4]!.at;
    const since = await list(`since=${encodeURIComponent(pivot)}`);
    const until = await list(`until=${encodeURIComponent(pivot)}`);
    expect(seqs(since.data)).toEqual(seqs(all.filter((e) => Date.parse(e.at) >= Date.parse(pivot))));
    expect(seqs(until.data)).toEqual(seqs(all.filter((e) => Date.parse(e.at) < Date.parse(pivot))));
    expect(seqs(since.data)).toContain(all[4]!.seq);
    expect([...seqs(since.data), ...seqs(until.data)].sort((a, b) => b - a)).toEqual(seqs(all));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await list(`since=${encodeURIComponent(future)}`)).data).toEqual([]);
    expect(seqs((await list(`until=${encodeURIComponent(future)}`)).data)).toEqual(seqs(all));
    const bad = await t.app.inject({
      method: 'GET',
      url: `/${projectId}/v1/management/audit?since=yesterday`,
      headers: bearer(key.key),
    });
    expect(expectError(bad, 400, 'invalid_query').error.param).toBe('since');
  });

  it('pages with limit and cursor: every row exactly once, newest first', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.data.length).toBeGreaterThan(0);
      seen.push(...seqs(page.data));
      cursor = page.next_cursor;
      pages++;
      expect(pages).toBeLessThan(20);
    } while (cursor);
    expect(seen).toEqual(seqs(all));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it('pages a filtered list too', async () => {
    const first = await list('action=api_key.create&limit=3');
    expect(first.data).toHaveLength(3);
    expect(first.next_cursor).not.toBeNull();
    const second = await list(`action=api_key.create&limit=3&cursor=${first.next_cursor}`);
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect([...first.data, ...second.data].map((e) => (e.after as { name: string }).name)).toEqual([
      'dash',
      'three',
      'two',
      'one',
    ]);
  });

  it('refuses a malformed cursor or limit (400 invalid_query)', async () => {
    for (const q of ['cursor=abc', 'cursor=-1', 'limit=0', 'limit=501', 'limit=two']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/${projectId}/v1/management/audit?${q}`,
        headers: bearer(key.key),
      });
      expectError(res, 400, 'invalid_query');
    }
  });

  it('the dashboard route reads the same chain for the active project', async () => {
    const session = await login(t.app, owner.email, owner.password);
    const res = await opsRequest(t.app, session, 'GET', '/ops/api/audit?limit=500');
    expect(seqs(listOf(AuditEntry).parse(res.json()).data)).toEqual(seqs(all));
  });
});
