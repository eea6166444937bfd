import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryCandidate, listOf, type DiscoveredComponent } from '@xem/protocol';
import { seedAgent } from '../../test/fake-agent';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
  seedProject,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { recordDiscovery } from './record-discovery';

let t: TestApp;
let ownerKey: string;
let memberKey: string;
let admin: Browser;
let agentId: string;

const base = () => `/${t.projectId}/v1/management/discovery`;
const api = (method: 'GET' | 'POST', url: string, key = ownerKey, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

const report = (components: DiscoveredComponent[], agent = agentId, projectId = t.projectId) =>
  t.deps.db.transaction().execute((trx) => recordDiscovery(trx, { id: agent, projectId }, components));

const listener = (port: number, attributes: Record<string, unknown> = {}): DiscoveredComponent => ({
  kind: 'tcp_listener',
  name: `svc-${port}`,
  address: `127.0.0.1:${port}`,
  attributes: { port, ...attributes },
});

async function list(query = ''): Promise<DiscoveryCandidate[]> {
  const res = await api('GET', `${base()}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return listOf(DiscoveryCandidate).parse(res.json()).data;
}
const byAddress = async (address: string) => (await list()).find((c) => c.address === address)!;
const eventsOf = (type: string) =>
  t.deps.db
    .selectFrom('events')
    .select('payload')
    .where('type', '=', type)
    .where('project_id', '=', t.projectId)
    .execute();

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  ownerKey = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
  const member = await seedUser(t);
  await seedMembership(t, t.projectId, member.id, 'member');
  memberKey = (await seedApiKey(t, t.projectId, member.id, ['management'])).key;
  agentId = (await seedAgent(t)).agentId;
});
afterAll(() => t.close());

describe('discovery candidates', () => {
  it('a report creates a pending candidate and one discovery.found event; a re-report only refreshes it', async () => {
    expect(await report([listener(5001)])).toEqual({ created: 1, reopened: 0, refreshed: 0 });
    const first = await byAddress('127.0.0.1:5001');
    expect(first).toMatchObject({
      agent_id: agentId,
      kind: 'tcp_listener',
      status: 'pending',
      decided_at: null,
    });
    expect(await report([{ ...listener(5001), name: 'sshd' }])).toEqual({
      created: 0,
      reopened: 0,
      refreshed: 1,
    });
    const again = await byAddress('127.0.0.1:5001');
    expect(again.id).toBe(first.id);
    expect(again.name).toBe('sshd');
    expect(Date.parse(again.last_seen_at)).toBeGreaterThanOrEqual(Date.parse(first.last_seen_at));
    const found = (await eventsOf('discovery.found')).filter(
      (e) => (e.payload as { id: string }).id === first.id,
    );
    expect(found).toHaveLength(1);
  });

  it('an owner accepts and rejects with a reason; each decision is audited and announced', async () => {
    await report([listener(5002), listener(5003)]);
    const a = await byAddress('127.0.0.1:5002');
    const r = await byAddress('127.0.0.1:5003');
    const accepted = await api('POST', `${base()}/${a.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(DiscoveryCandidate.parse(accepted.json())).toMatchObject({
      status: 'accepted',
      decided_by: admin.userId,
    });
    expectError(await api('POST', `${base()}/${a.id}/accept`), 409, 'discovery_already_decided');

    expectError(await api('POST', `${base()}/${r.id}/reject`, ownerKey, {}), 400, 'invalid_body');
    const rejected = await api('POST', `${base()}/${r.id}/reject`, ownerKey, { reason: 'a test listener' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'a test listener' });

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('target_type', '=', 'discovery_candidate')
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'discovery.accept', target_id: a.id },
        { action: 'discovery.reject', target_id: r.id },
      ]),
    );
    expect((await eventsOf('discovery.accepted')).map((e) => (e.payload as { id: string }).id)).toContain(
      a.id,
    );
    expect((await eventsOf('discovery.rejected')).map((e) => (e.payload as { id: string }).id)).toContain(
      r.id,
    );
    // The filters narrow the list.
    expect((await list('?status=accepted')).map((c) => c.id)).toEqual([a.id]);
    expect((await list(`?status=rejected&agent=${agentId}&kind=tcp_listener`)).map((c) => c.id)).toEqual([
      r.id,
    ]);
    expect(await list('?kind=nothing')).toEqual([]);
  });

  it('a rejected candidate stays rejected on re-report and is proposed again when its attributes change', async () => {
    await report([listener(5004, { process: 'nc' })]);
    const c = await byAddress('127.0.0.1:5004');
    await api('POST', `${base()}/${c.id}/reject`, ownerKey, { reason: 'noise' });
    expect(await report([{ ...listener(5004, { process: 'nc' }), name: 'renamed' }])).toMatchObject({
      refreshed: 1,
    });
    expect(await byAddress('127.0.0.1:5004')).toMatchObject({
      status: 'rejected',
      reason: 'noise',
      name: 'renamed',
    });
    expect(await report([listener(5004, { process: 'postgres' })])).toMatchObject({ reopened: 1 });
    expect(await byAddress('127.0.0.1:5004')).toMatchObject({
      status: 'pending',
      reason: null,
      decided_by: null,
    });
    const found = (await eventsOf('discovery.found')).filter(
      (e) => (e.payload as { id: string }).id === c.id,
    );
    expect(found).toHaveLength(2);
  });

  it('members read but cannot decide; another project’s candidate is a 404', async () => {
    await report([listener(5005)]);
    const c = await byAddress('127.0.0.1:5005');
    expect((await api('GET', `${base()}/${c.id}`, memberKey)).statusCode).toBe(200);
    expectError(await api('POST', `${base()}/${c.id}/accept`, memberKey), 403, 'owner_required');

    const other = await seedProject(t);
    const otherAgent = (await seedAgent(t, { projectId: other.id })).agentId;
    await report([listener(6000)], otherAgent, other.id);
    const foreign = await t.deps.db
      .selectFrom('discovery_candidates')
      .select('id')
      .where('agent_id', '=', otherAgent)
      .executeTakeFirstOrThrow();
    expectError(await api('GET', `${base()}/${foreign.id}`), 404, 'not_found');
    expectError(await api('POST', `${base()}/${foreign.id}/accept`), 404, 'not_found');
    expect((await list()).some((x) => x.id === foreign.id)).toBe(false);
  });

  it('pages with a cursor and refuses bad filters with the error envelope', async () => {
    const page = await api('GET', `${base()}?limit=2`);
    const body = page.json<{ data: DiscoveryCandidate[]; next_cursor: string }>();
    expect(body.data).toHaveLength(2);
    const rest = await api('GET', `${base()}?limit=500&cursor=${body.next_cursor}`);
    const ids = [...body.data, ...rest.json<{ data: DiscoveryCandidate[] }>().data].map((c) => c.id);
    expect(ids).toEqual((await list('?limit=500')).map((c) => c.id));
    expectError(await api('GET', `${base()}?status=maybe`), 400, 'invalid_query');
    expectError(await api('GET', `${base()}?cursor=bm9wZQ`), 400, 'invalid_query');
  });

  it('the dashboard mount decides with session and CSRF', async () => {
    await report([listener(5006)]);
    const c = await byAddress('127.0.0.1:5006');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/ops/api/discovery/${c.id}/accept`,
      headers: { cookie: admin.cookie },
    });
    expectError(noCsrf, 403, 'csrf_token_invalid');
    const ok = await opsRequest(t.app, admin, 'POST', `/ops/api/discovery/${c.id}/accept`);
    expect(ok.statusCode, ok.body).toBe(200);
    const listed = await opsRequest(t.app, admin, 'GET', '/ops/api/discovery?status=accepted');
    expect(listed.json<{ data: DiscoveryCandidate[] }>().data.map((x) => x.id)).toContain(c.id);
  });
});
