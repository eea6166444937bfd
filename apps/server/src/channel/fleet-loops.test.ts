import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import type { AppDeps } from '../app-deps';
import { pgListener, type Listener } from '../db/listen';
import { connectAgent, manifestHash, seedAgent, waitFor } from '../../test/fake-agent';
import { createTestApp, type TestApp } from '../../test/test-app';
import { ChannelRegistry } from './channel-registry';
import { notifyAgent } from './notify-agent';
import { startFleetLoops } from './start-fleet-loops';
import { sweepLapsedLeases } from './start-lease-sweeper';

let t: TestApp;
let base: string;
let stopLoops: () => Promise<void>;

const addressOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const renewal = {
  type: 'lease_renewal',
  in_flight: [],
  manifest_hash: manifestHash({ tools: [] }),
  manifest_version: 1,
  manifest: { tools: [] },
};

beforeAll(async () => {
  t = await createTestApp({ XEM_LEASE_RENEWAL_INTERVAL_MS: '100', XEM_DISPATCH_POLL_INTERVAL_MS: '50' });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = addressOf(t.app);
  stopLoops = await startFleetLoops(t.deps);
});
afterAll(async () => {
  await stopLoops();
  await t.close();
});

const agentRow = (id: string) =>
  t.deps.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function offlineEvents(agentId: string) {
  const rows = await t.deps.db
    .selectFrom('events')
    .select('payload')
    .where('type', '=', 'agent.offline')
    .execute();
  return rows.map((r) => r.payload as { id: string; status_reason: string }).filter((p) => p.id === agentId);
}

async function onlineEvents(agentId: string) {
  const rows = await t.deps.db
    .selectFrom('events')
    .select('payload')
    .where('type', '=', 'agent.online')
    .execute();
  return rows.filter((r) => (r.payload as { id: string }).id === agentId).length;
}

describe('lease sweeper', () => {
  it('takes an agent that stopped renewing offline after its lease lapses, once', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    agent.send(renewal);
    await agent.next('lease_ack');
    // The socket stays open but silent: only the lease decides.
    const row = await waitFor(async () => {
      const r = await agentRow(seeded.agentId);
      return r.status === 'offline' ? r : null;
    }, 'the lease sweeper');
    expect(row).toMatchObject({ status_reason: 'lease expired', connected_to: null });
    expect(await onlineEvents(seeded.agentId)).toBe(1);
    // Give further sweeps a chance to run: the agent is taken offline exactly once.
    await new Promise((r) => setTimeout(r, 150));
    const events = await offlineEvents(seeded.agentId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'offline', status_reason: 'lease expired' });

    // Renewing again brings it back online.
    agent.send({ ...renewal, manifest: undefined });
    await agent.next('lease_ack');
    expect(await onlineEvents(seeded.agentId)).toBe(2);
    await agent.close();
  });

  it('takes only lapsed leases, and concurrent sweeps take each agent once', async () => {
    const live = await seedAgent(t, { status: 'online' });
    const lapsed = await seedAgent(t, { status: 'draining' });
    const setLease = (id: string, offset: string) =>
      sql`UPDATE agents SET lease_expires_at = now() + ${offset}::interval WHERE id = ${id}`.execute(
        t.deps.db,
      );
    // Stop the loops first: a running sweeper would otherwise take the lapsed agent before the
    // two sweeps below get to it.
    await stopLoops();
    try {
      await setLease(live.agentId, '1 hour');
      await setLease(lapsed.agentId, '-1 hour');
      // Agents of earlier tests may have lapsed too; what matters is that none is taken twice.
      const taken = await Promise.all([sweepLapsedLeases(t.deps), sweepLapsedLeases(t.deps)]);
      expect(taken[0] + taken[1]).toBeGreaterThanOrEqual(1);
    } finally {
      stopLoops = await startFleetLoops(t.deps);
    }
    expect((await agentRow(live.agentId)).status).toBe('online');
    expect((await agentRow(lapsed.agentId)).status).toBe('offline');
    expect(await offlineEvents(lapsed.agentId)).toHaveLength(1);
    expect(await offlineEvents(live.agentId)).toHaveLength(0);
  });
});

describe('agent control', () => {
  it('forwards a control frame committed in a transaction, and nothing from a rolled-back one', async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    await agent.next('welcome');
    await t.deps.db
      .transaction()
      .execute(async (trx) => {
        await notifyAgent(trx, { agent_id: seeded.agentId, frame: { type: 'pause', reason: 'rolled back' } });
        throw new Error('rollback');
      })
      .catch(() => {});
    await t.deps.db.transaction().execute(async (trx) => {
      await notifyAgent(trx, { agent_id: seeded.agentId, frame: { type: 'drain', reason: 'maintenance' } });
    });
    expect(await agent.next('drain')).toEqual({ type: 'drain', reason: 'maintenance' });
    expect(agent.frames.some((f) => f.type === 'pause')).toBe(false);
    await agent.close();
  });

  it("closes a revoked agent's socket on a control close", async () => {
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    await agent.next('welcome');
    await t.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('agents').set({ status: 'revoked' }).where('id', '=', seeded.agentId).execute();
      await notifyAgent(trx, {
        agent_id: seeded.agentId,
        frame: null,
        close: { code: 4401, reason: 'agent credentials revoked' },
      });
    });
    expect(await agent.closed).toEqual({ code: 4401, reason: 'agent credentials revoked' });
    await waitFor(() => !t.deps.registry.get(seeded.agentId), 'the registry to drop the socket');
  });

  it('reaches an agent connected to another server instance on the same database', async () => {
    // A second replica: its own registry and instance id and, on PostgreSQL, its own LISTEN
    // connection, like another process would have.
    let listener: Listener | null = null;
    const url = (t.database.pool.options as { connectionString?: string }).connectionString;
    if (t.database.kind === 'postgres' && url) listener = pgListener(url);
    const deps2: AppDeps = {
      ...t.deps,
      listen: listener ? listener.listen : t.deps.listen,
      registry: new ChannelRegistry(),
      instanceId: `${t.deps.instanceId}-b`,
    };
    const app2 = await buildApp(deps2, { logger: false });
    await app2.listen({ host: '127.0.0.1', port: 0 });
    const stop2 = await startFleetLoops(deps2);
    try {
      const seeded = await seedAgent(t);
      const agent = await connectAgent(addressOf(app2), seeded.token);
      agent.send(renewal);
      await agent.next('lease_ack');
      expect(deps2.registry.get(seeded.agentId)).toBeDefined();
      expect(t.deps.registry.get(seeded.agentId)).toBeUndefined();

      // Sent through the first instance's database handle; only the second holds the socket.
      await t.deps.db.transaction().execute(async (trx) => {
        await notifyAgent(trx, { agent_id: seeded.agentId, frame: { type: 'resume' } });
      });
      expect(await agent.next('resume')).toEqual({ type: 'resume' });
      await agent.close();
    } finally {
      await stop2();
      await app2.close();
      await listener?.close();
    }
  });
});
