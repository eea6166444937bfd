import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest, ManifestTool } from '@xem/protocol';
import {
  connectAgent,
  manifestHash,
  refusedUpgrade,
  seedAgent,
  waitFor,
  type FakeAgent,
} from '../../test/fake-agent';
import { createTestApp, expectError, type TestApp } from '../../test/test-app';
import { MAX_BAD_FRAMES } from './agent-channel';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ XEM_LEASE_RENEWAL_INTERVAL_MS: '100', XEM_DISPATCH_POLL_INTERVAL_MS: '50' });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

const tool = (name: string, extra: Partial<ManifestTool> = {}): ManifestTool => ({
  name,
  description: `the ${name} tool`,
  risk: 'read',
  domain: 'general',
  timeout_ms: 1000,
  idempotent: true,
  mcp_visible: true,
  params: { type: 'object', properties: {}, additionalProperties: false },
  bundle: 'test',
  ...extra,
});

function renewal(manifest: Manifest, version: number, opts: { withManifest?: boolean; state?: string } = {}) {
  return {
    type: 'lease_renewal',
    in_flight: [],
    manifest_hash: manifestHash(manifest),
    manifest_version: version,
    ...(opts.withManifest === false ? {} : { manifest }),
    ...(opts.state ? { state: opts.state } : {}),
  };
}

async function events(type: string, agentId: string) {
  const rows = await t.deps.db
    .selectFrom('events')
    .select(['type', 'payload'])
    .where('type', '=', type)
    .orderBy('id')
    .execute();
  return rows
    .map((r) => r.payload as Record<string, unknown>)
    .filter((p) => p.agent_id === agentId || p.id === agentId);
}

describe('agent channel: upgrade', () => {
  it('refuses the upgrade without a credential, with an unknown one, a revoked one, or a revoked agent', async () => {
    const none = await refusedUpgrade(base, {});
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('authentication_required');

    const unknown = await refusedUpgrade(base, { authorization: `Bearer xac_${'a'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_agent_credential');

    const revokedCred = await seedAgent(t);
    await t.deps.db
      .updateTable('agent_credentials')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', revokedCred.credentialId)
      .execute();
    expect((await refusedUpgrade(base, { authorization: `Bearer ${revokedCred.token}` })).status).toBe(401);

    const expired = await seedAgent(t);
    await t.deps.db
      .updateTable('agent_credentials')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', expired.credentialId)
      .execute();
    expect((await refusedUpgrade(base, { authorization: `Bearer ${expired.token}` })).status).toBe(401);

    const revokedAgent = await seedAgent(t, { status: 'revoked' });
    expect((await refusedUpgrade(base, { authorization: `Bearer ${revokedAgent.token}` })).status).toBe(401);

    const audited = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'auth.agent_credential_refused')
      .execute();
    expect(audited.length).toBe(4);
  });

  it('answers a plain GET (no upgrade) with the error envelope', async () => {
    const seeded = await seedAgent(t);
    expectError(
      await t.app.inject({ method: 'GET', url: '/v1/agent/connect' }),
      401,
      'authentication_required',
    );
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/agent/connect',
      headers: { authorization: `Bearer ${seeded.token}` },
    });
    expectError(res, 404, 'not_found');
  });

  it('welcomes an agent with its lease timing and registers its socket', async () => {
    const seeded = await seedAgent(t, { status: 'paused' });
    const agent = await connectAgent(base, seeded.token);
    const welcome = await agent.next('welcome');
    expect(welcome).toEqual({
      type: 'welcome',
      agent_id: seeded.agentId,
      lease_ttl_ms: 300,
      lease_renewal_interval_ms: 100,
      paused: true,
    });
    expect(agent.frames[0]?.type).toBe('welcome');
    expect(t.deps.registry.get(seeded.agentId)?.projectId).toBe(t.projectId);
    await agent.close();
    await waitFor(() => !t.deps.registry.get(seeded.agentId), 'the socket to leave the registry');
  });
});

describe('agent channel: lease renewal', () => {
  it('extends the lease on the database clock, brings the agent online once and acknowledges', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    const manifest: Manifest = { tools: [tool('echo')] };
    agent.send(renewal(manifest, 1));
    expect(await agent.next('lease_ack')).toEqual({ type: 'lease_ack', lease_ttl_ms: 300 });
    const row = await sql<{ status: string; connected_to: string; ttl_ms: number; db_clock: boolean }>`
      SELECT status, connected_to,
        extract(epoch FROM lease_expires_at - last_heartbeat_at) * 1000 AS ttl_ms,
        last_heartbeat_at BETWEEN now() - interval '30 seconds' AND now() AS db_clock
      FROM agents WHERE id = ${seeded.agentId}`.execute(t.deps.db);
    expect(row.rows[0]).toMatchObject({ status: 'online', connected_to: t.deps.instanceId, db_clock: true });
    expect(Number(row.rows[0]!.ttl_ms)).toBe(300);

    const before = await t.deps.db
      .selectFrom('agents')
      .select('lease_expires_at')
      .where('id', '=', seeded.agentId)
      .executeTakeFirstOrThrow();
    agent.send(renewal(manifest, 1, { withManifest: false }));
    await agent.next('lease_ack');
    const after = await t.deps.db
      .selectFrom('agents')
      .select('lease_expires_at')
      .where('id', '=', seeded.agentId)
      .executeTakeFirstOrThrow();
    expect(after.lease_expires_at!.getTime()).toBeGreaterThan(before.lease_expires_at!.getTime());

    const online = await events('agent.online', seeded.agentId);
    expect(online).toHaveLength(1);
    expect(online[0]).toMatchObject({ id: seeded.agentId, status: 'online', tool_count: 1 });
    await agent.close();
  });

  it('stores a changed manifest with its delta and ignores an unchanged one', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    const v1: Manifest = { tools: [tool('alpha'), tool('beta')] };
    agent.send(renewal(v1, 1));
    await agent.next('lease_ack');
    const names = async () =>
      (
        await t.deps.db
          .selectFrom('agent_tools')
          .select(['name', 'risk'])
          .where('agent_id', '=', seeded.agentId)
          .orderBy('name')
          .execute()
      ).map((r) => `${r.name}:${r.risk}`);
    expect(await names()).toEqual(['alpha:read', 'beta:read']);

    const v2: Manifest = { tools: [tool('beta', { risk: 'write' }), tool('gamma')] };
    agent.send(renewal(v2, 2));
    await agent.next('lease_ack');
    expect(await names()).toEqual(['beta:write', 'gamma:read']);

    agent.send(renewal(v2, 2));
    await agent.next('lease_ack');

    const updates = await events('manifest.updated', seeded.agentId);
    expect(updates).toEqual([
      {
        agent_id: seeded.agentId,
        manifest_hash: manifestHash(v1),
        manifest_version: 1,
        added: ['alpha', 'beta'],
        removed: [],
        changed: [],
      },
      {
        agent_id: seeded.agentId,
        manifest_hash: manifestHash(v2),
        manifest_version: 2,
        added: ['gamma'],
        removed: ['alpha'],
        changed: ['beta'],
      },
    ]);
    const stored = await t.deps.db
      .selectFrom('agents')
      .select(['manifest', 'manifest_hash', 'manifest_version'])
      .where('id', '=', seeded.agentId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ manifest: v2, manifest_hash: manifestHash(v2), manifest_version: 2 });
    await agent.close();
  });

  it('closes the channel of an agent revoked while connected at its next renewal', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    await agent.next('welcome');
    await t.deps.db
      .updateTable('agents')
      .set({ status: 'revoked' })
      .where('id', '=', seeded.agentId)
      .execute();
    agent.send(renewal({ tools: [] }, 1));
    expect(await agent.closed).toEqual({ code: 4401, reason: 'credentials revoked' });
    const row = await t.deps.db
      .selectFrom('agents')
      .select(['status', 'lease_expires_at'])
      .where('id', '=', seeded.agentId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'revoked', lease_expires_at: null });
  });

  it('marks a draining agent and takes it offline as soon as its socket closes', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    const manifest: Manifest = { tools: [] };
    agent.send(renewal(manifest, 1));
    await agent.next('lease_ack');
    agent.send(renewal(manifest, 1, { state: 'draining' }));
    await agent.next('lease_ack');
    const status = () =>
      t.deps.db
        .selectFrom('agents')
        .select('status')
        .where('id', '=', seeded.agentId)
        .executeTakeFirstOrThrow();
    expect((await status()).status).toBe('draining');
    expect(await events('agent.draining', seeded.agentId)).toHaveLength(1);

    await agent.close();
    await waitFor(async () => (await status()).status === 'offline', 'the drained agent to go offline');
    const offline = await events('agent.offline', seeded.agentId);
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ status: 'offline', status_reason: 'disconnected after draining' });
  });
});

describe('agent channel: other frames', () => {
  it('answers malformed frames with invalid_frame and closes after 20 in a row', async () => {
    const seeded = await seedAgent(t);
    const agent: FakeAgent = await connectAgent(base, seeded.token);
    agent.sendRaw('{not json');
    expect(await agent.next('error')).toMatchObject({ code: 'invalid_frame' });
    agent.send({ type: 'lease_renewal', in_flight: [] });
    expect((await agent.next('error')).message).toMatch(/manifest_hash/);
    // A valid frame resets the count.
    agent.send(renewal({ tools: [] }, 1));
    await agent.next('lease_ack');
    for (let i = 0; i < MAX_BAD_FRAMES - 1; i++) agent.send({ type: 'nonsense' });
    await waitFor(
      () => agent.frames.filter((f) => f.type === 'error').length === MAX_BAD_FRAMES + 1,
      'errors',
    );
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.send({ type: 'nonsense' });
    expect(await agent.closed).toMatchObject({ code: 4400 });
  });

  it('records discovered components as discovery.found events', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    agent.send({
      type: 'discovery',
      components: [
        { kind: 'host', name: 'db-1', address: '10.0.0.5' },
        { kind: 'cluster', name: 'k8s-prod', attributes: { nodes: 3 } },
      ],
    });
    const found = await waitFor(async () => {
      const rows = await events('discovery.found', seeded.agentId);
      return rows.length === 2 ? rows : null;
    }, 'discovery events');
    expect(found.map((f) => (f.component as { name: string }).name)).toEqual(['db-1', 'k8s-prod']);
    expect(found[1]).toEqual({
      id: expect.stringMatching(/^disc_/),
      agent_id: seeded.agentId,
      component: { kind: 'cluster', name: 'k8s-prod', attributes: { nodes: 3 } },
    });
    await agent.close();
  });
});
