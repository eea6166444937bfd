import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Execution, type Manifest, type ManifestTool } from '@xem/protocol';
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
import { startFleetLoops } from './start-fleet-loops';

let t: TestApp;
let base: string;
let key: string;
let stopLoops: () => Promise<void>;

beforeAll(async () => {
  // A longer lease than the other channel tests (TTL 3 s): the fake agents renew five times
  // per interval, and a loaded machine must not take them offline mid-test.
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

const tool = (name: string, idempotent: boolean): ManifestTool => ({
  name,
  description: name,
  risk: 'read',
  domain: 'general',
  timeout_ms: 60_000,
  idempotent,
  mcp_visible: true,
  params: { type: 'object', properties: {}, additionalProperties: true },
  bundle: 'test',
});

interface RenewingAgent extends FakeAgent {
  agentId: string;
  token: string;
  /** What the agent lists as running in its renewals. */
  inFlight: { execution_id: string; attempt: number }[];
  /** Stops renewing (the socket stays open). */
  silence(): void;
}

/** A connected agent advertising `manifest`, renewing its lease twice per interval. */
async function renewingAgent(manifest: Manifest): Promise<RenewingAgent> {
  const seeded = await seedAgent(t);
  const agent = await connectAgent(base, seeded.token);
  const out = Object.assign(agent, {
    agentId: seeded.agentId,
    token: seeded.token,
    inFlight: [],
    silence: () => clearInterval(timer),
  }) as RenewingAgent;
  const renew = () =>
    agent.send({
      type: 'lease_renewal',
      in_flight: out.inFlight,
      manifest_hash: manifestHash(manifest),
      manifest_version: 1,
      manifest,
    });
  renew();
  await agent.next('lease_ack');
  const timer = setInterval(renew, 200);
  void agent.closed.then(() => clearInterval(timer));
  return out;
}

async function start(toolName: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/executions`,
    headers: bearer(key),
    // Queued: the dispatcher sends it once the agent is online, without racing the lease.
    payload: { workspace: 'default', tool: toolName, args: {}, queue: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  return Execution.parse(res.json()).id;
}

const statusOf = async (id: string) =>
  (await t.deps.db.selectFrom('executions').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

describe('agent channel with executions', () => {
  it('delivers a dispatch, stores progress and the result, and acknowledges the result', async () => {
    const agent = await renewingAgent({ tools: [tool('chan-echo', true)] });
    const id = await start('chan-echo');
    const dispatch = await agent.next('dispatch');
    expect(dispatch).toMatchObject({ execution_id: id, attempt: 1, tool: 'chan-echo' });
    agent.send({ type: 'progress', execution_id: id, attempt: 1, message: 'half way', percent: 50 });
    agent.send({
      type: 'result',
      execution_id: id,
      attempt: 1,
      outcome: 'completed',
      exit_code: 0,
      stdout: 'hello',
      stderr: '',
      truncated: false,
      duration_ms: 3,
    });
    expect(await agent.next('result_ack')).toEqual({ type: 'result_ack', execution_id: id, attempt: 1 });
    expect(await statusOf(id)).toBe('completed');
    const progress = await t.deps.db
      .selectFrom('execution_logs')
      .select('kind')
      .where('execution_id', '=', id)
      .execute();
    expect(progress.map((p) => p.kind)).toEqual(['progress']);
    // A result for an attempt that is not the current one is refused.
    agent.send({ type: 'log', execution_id: id, attempt: 7, stream: 'stdout', data: 'late' });
    expect(await agent.next('error')).toMatchObject({ code: 'stale_attempt', execution_id: id });
    await agent.close();
  });

  it('recovers dispatched work the agent stops listing after the grace', async () => {
    const agent = await renewingAgent({ tools: [tool('chan-unlisted', true)] });
    const id = await start('chan-unlisted');
    const first = await agent.next('dispatch');
    expect(first.attempt).toBe(1);
    agent.inFlight = [{ execution_id: id, attempt: 1 }];
    // Listed for a while: it stays dispatched.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(id)).toBe('dispatched');
    agent.inFlight = [];
    const again = await agent.next('dispatch');
    expect(again).toMatchObject({ execution_id: id, attempt: 2 });
    await agent.close();
  });

  it('does not take one renewal that crossed the dispatch as proof the work is lost', async () => {
    const manifest = { tools: [tool('chan-crossed', true)] };
    const agent = await renewingAgent(manifest);
    agent.silence();
    const id = await start('chan-crossed');
    await agent.next('dispatch');
    const renew = () =>
      agent.send({
        type: 'lease_renewal',
        in_flight: [],
        manifest_hash: manifestHash(manifest),
        manifest_version: 1,
      });
    // Older than the grace, and still omitted once: a renewal sent before the dispatch arrived.
    await new Promise((r) => setTimeout(r, 1300));
    renew();
    await agent.next('lease_ack');
    const row = await t.deps.db
      .selectFrom('executions')
      .select(['status', 'attempt'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'dispatched', attempt: 1 });
    // A second omission means the agent really does not have it.
    renew();
    await agent.next('lease_ack');
    expect(await agent.next('dispatch')).toMatchObject({ execution_id: id, attempt: 2 });
    await agent.close();
  });

  it('accepts a result re-sent after reconnecting, though the first renewal no longer lists it', async () => {
    const agent = await renewingAgent({ tools: [tool('chan-resend', true)] });
    const id = await start('chan-resend');
    await agent.next('dispatch');
    agent.inFlight = [{ execution_id: id, attempt: 1 }];
    // Let the dispatch grow older than the grace before the connection drops.
    await new Promise((r) => setTimeout(r, 1200));
    await agent.close();
    const back = await connectAgent(base, agent.token);
    await back.next('welcome');
    const manifest = { tools: [tool('chan-resend', true)] };
    back.send({
      type: 'lease_renewal',
      in_flight: [],
      manifest_hash: manifestHash(manifest),
      manifest_version: 1,
    });
    back.send({
      type: 'result',
      execution_id: id,
      attempt: 1,
      outcome: 'completed',
      exit_code: 0,
      stdout: '',
      stderr: '',
      truncated: false,
      duration_ms: 1,
    });
    expect(await back.next('result_ack')).toMatchObject({ execution_id: id, attempt: 1 });
    expect(await statusOf(id)).toBe('completed');
    await back.close();
  });

  it('makes a non-idempotent execution ambiguous when its agent goes silent', async () => {
    const agent = await renewingAgent({ tools: [tool('chan-once', false)] });
    const id = await start('chan-once');
    await agent.next('dispatch');
    agent.silence();
    await waitFor(async () => (await statusOf(id)) === 'ambiguous', 'the execution to become ambiguous');
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('type', 'in', ['agent.offline', 'execution.ambiguous'])
      .execute();
    const mine = events.filter((e) => {
      const p = e.payload as { id?: string };
      return p.id === id || p.id === agent.agentId;
    });
    expect(mine.map((e) => e.type).sort()).toEqual(['agent.offline', 'execution.ambiguous']);
    await agent.close();
  });
});
