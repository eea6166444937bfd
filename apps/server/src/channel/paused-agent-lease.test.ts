import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Execution, type Manifest } from '@xem/protocol';
import { connectAgent, manifestHash, seedAgent, waitFor, type FakeAgent } from '../../test/fake-agent';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  login,
  type TestApp,
} from '../../test/test-app';
import { statusAfterRenewal } from './renew-lease';
import { startFleetLoops } from './start-fleet-loops';

let t: TestApp;
let base: string;
let key: string;
let stopLoops: () => Promise<void>;

beforeAll(async () => {
  // Lease TTL 3 s: the tests renew by hand and lapse leases with an UPDATE, not by waiting.
  t = await createTestApp({ XEM_LEASE_RENEWAL_INTERVAL_MS: '1000', XEM_DISPATCH_POLL_INTERVAL_MS: '50' });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  key = await createKeyAs(t.app, await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD));
  stopLoops = await startFleetLoops(t.deps);
});
afterAll(async () => {
  await stopLoops();
  await t.close();
});

const manifestOf = (tool: string): Manifest => ({
  tools: [
    {
      name: tool,
      description: tool,
      risk: 'read',
      domain: 'general',
      timeout_ms: 60_000,
      idempotent: true,
      mcp_visible: true,
      params: { type: 'object', properties: {}, additionalProperties: true },
      bundle: 'test',
    },
  ],
});

async function renew(agent: FakeAgent, manifest: Manifest): Promise<void> {
  agent.send({
    type: 'lease_renewal',
    in_flight: [],
    manifest_hash: manifestHash(manifest),
    manifest_version: 1,
    manifest,
  });
  await agent.next('lease_ack');
}

async function control(agentId: string, action: 'pause-exec' | 'resume-exec', body: object = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/management/agents/${agentId}/${action}`,
    headers: bearer(key),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(200);
  return Agent.parse(res.json());
}

async function shown(agentId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/${t.projectId}/v1/management/agents/${agentId}`,
    headers: bearer(key),
  });
  return Agent.parse(res.json());
}

const row = (id: string) =>
  t.deps.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function queue(tool: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/executions`,
    headers: bearer(key),
    payload: { workspace: 'default', tool, args: {}, queue: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  return Execution.parse(res.json()).id;
}

const statusOf = async (id: string) =>
  (await t.deps.db.selectFrom('executions').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

async function eventsOf(agentId: string): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom('events')
    .select(['type', 'payload'])
    .where('type', 'like', 'agent.%')
    .orderBy('id')
    .execute();
  return rows.filter((r) => (r.payload as { id?: string }).id === agentId).map((r) => r.type);
}

/** Lapses the agent's lease on the database clock and waits for the sweeper to take it offline. */
async function lapse(agentId: string): Promise<void> {
  await sql`UPDATE agents SET lease_expires_at = now() - interval '1 second' WHERE id = ${agentId}`.execute(
    t.deps.db,
  );
  await waitFor(async () => (await row(agentId)).status === 'offline', 'the lease sweeper');
}

/** Several dispatcher polls (50 ms) go by. */
const severalPolls = () => new Promise((r) => setTimeout(r, 400));

describe('statusAfterRenewal', () => {
  it('keeps revoked, then draining, then an operator pause; otherwise online', () => {
    expect(statusAfterRenewal('revoked', 'active', true)).toBe('revoked');
    expect(statusAfterRenewal('paused', 'draining', true)).toBe('draining');
    expect(statusAfterRenewal('draining', 'active', false)).toBe('draining');
    expect(statusAfterRenewal('offline', 'active', true)).toBe('paused');
    expect(statusAfterRenewal('online', 'active', true)).toBe('paused');
    expect(statusAfterRenewal('paused', 'active', false)).toBe('online');
    expect(statusAfterRenewal('offline', 'active', false)).toBe('online');
  });
});

describe('a paused agent', () => {
  it('stays paused through a lapsed lease and a reconnect, gets no dispatch, and resume brings it online', async () => {
    const manifest = manifestOf('pause-lapse');
    const seeded = await seedAgent(t);
    let agent = await connectAgent(base, seeded.token);
    expect((await agent.next('welcome')).paused).toBe(false);
    await renew(agent, manifest);
    expect((await row(seeded.agentId)).status).toBe('online');

    const paused = await control(seeded.agentId, 'pause-exec', { reason: 'disk full' });
    expect(paused).toMatchObject({ status: 'paused', status_reason: 'disk full' });
    expect(await agent.next('pause')).toEqual({ type: 'pause', reason: 'disk full' });

    await lapse(seeded.agentId);
    expect(await row(seeded.agentId)).toMatchObject({ status: 'offline', pause_reason: 'disk full' });
    expect((await row(seeded.agentId)).paused_at).not.toBeNull();
    expect(await shown(seeded.agentId)).toMatchObject({ status: 'offline', status_reason: 'lease expired' });

    // The same connection renewing again comes back paused, not online.
    await renew(agent, manifest);
    expect(await shown(seeded.agentId)).toMatchObject({ status: 'paused', status_reason: 'disk full' });

    // So does a new connection after another lapse.
    await lapse(seeded.agentId);
    await agent.close();
    agent = await connectAgent(base, seeded.token);
    expect((await agent.next('welcome')).paused).toBe(true);
    await renew(agent, manifest);
    expect(await shown(seeded.agentId)).toMatchObject({ status: 'paused', status_reason: 'disk full' });
    expect(await eventsOf(seeded.agentId)).toEqual([
      'agent.online',
      'agent.paused',
      'agent.offline',
      'agent.paused',
      'agent.offline',
      'agent.paused',
    ]);

    const id = await queue('pause-lapse');
    await severalPolls();
    expect(await statusOf(id)).toBe('queued');
    expect(agent.frames.some((f) => f.type === 'dispatch')).toBe(false);

    await renew(agent, manifest);
    const resumed = await control(seeded.agentId, 'resume-exec');
    expect(resumed).toMatchObject({ status: 'online', status_reason: null });
    expect(await row(seeded.agentId)).toMatchObject({ paused_at: null, pause_reason: null });
    await agent.next('resume');
    expect(await agent.next('dispatch')).toMatchObject({ execution_id: id, tool: 'pause-lapse' });
    // Renewing keeps it online now, without another agent.online.
    await renew(agent, manifest);
    expect((await row(seeded.agentId)).status).toBe('online');
    expect((await eventsOf(seeded.agentId)).slice(-1)).toEqual(['agent.resumed']);
    await agent.close();
  });

  it('paused while offline comes back paused; resumed while offline comes back online', async () => {
    const manifest = manifestOf('pause-offline');
    const seeded = await seedAgent(t);
    const paused = await control(seeded.agentId, 'pause-exec', { reason: 'maintenance window' });
    expect(paused).toMatchObject({ status: 'offline', status_reason: null });
    expect(await row(seeded.agentId)).toMatchObject({ pause_reason: 'maintenance window' });

    let agent = await connectAgent(base, seeded.token);
    expect((await agent.next('welcome')).paused).toBe(true);
    await renew(agent, manifest);
    expect(await shown(seeded.agentId)).toMatchObject({
      status: 'paused',
      status_reason: 'maintenance window',
    });
    const id = await queue('pause-offline');
    await severalPolls();
    expect(await statusOf(id)).toBe('queued');
    expect(agent.frames.some((f) => f.type === 'dispatch')).toBe(false);

    // Resumed while its lease is lapsed: offline until it renews, then online and given work.
    await lapse(seeded.agentId);
    await agent.close();
    const resumed = await control(seeded.agentId, 'resume-exec');
    expect(resumed).toMatchObject({ status: 'offline', status_reason: 'lease expired' });
    agent = await connectAgent(base, seeded.token);
    expect((await agent.next('welcome')).paused).toBe(false);
    await renew(agent, manifest);
    expect((await row(seeded.agentId)).status).toBe('online');
    expect(await agent.next('dispatch')).toMatchObject({ execution_id: id, tool: 'pause-offline' });
    await agent.close();
  });

  it('resume-exec of an agent that is not paused changes nothing', async () => {
    const seeded = await seedAgent(t);
    const before = await shown(seeded.agentId);
    expect(await control(seeded.agentId, 'resume-exec')).toEqual(before);
  });
});
