import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Execution, type Manifest } from '@xem/protocol';
import { adminKey, connectedAgent, queueExecutions, resultFrame } from '../../test/execution-fixtures';
import { connectAgent, manifestHash, seedAgent } from '../../test/fake-agent';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  login,
  seedApiKey,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { dispatchPass } from '../executions/dispatch-pass';
import { handleExecutionFrame } from '../executions/handle-execution-frame';
import { appendEvent } from './append-event';

let t: TestApp;
let base: string;
let key: string;
let admin: Browser;
const open: TestStream[] = [];

beforeAll(async () => {
  t = await createTestApp({ XEM_LEASE_RENEWAL_INTERVAL_MS: '100' });
  base = await listenApp(t);
  key = await adminKey(t);
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(async () => {
  for (const s of open) s.close();
  await t.close();
});

async function stream(path: string, headers: Record<string, string>): Promise<TestStream> {
  const s = await openStream(`${base}${path}`, headers);
  open.push(s);
  if (s.status === 200)
    await s.waitFor((f) => f.event?.endsWith('.connection.connected') ?? false, 'connected');
  return s;
}
const execStream = (query = '', k = key) =>
  stream(`/${t.projectId}/v1/exec/executions/stream${query}`, bearer(k));

describe('events on the right occasion', () => {
  it('an execution that runs and one that fails: ox.* on /ops/stream, x_exec.* on the public stream', async () => {
    const ops = await stream('/ops/stream', { cookie: admin.cookie });
    const pub = await execStream();
    const a = await connectedAgent(t, ['occasion']);
    const [ok, bad] = await queueExecutions(t, key, 'occasion', 2);
    await dispatchPass(t.deps);
    const who = { agentId: a.id, projectId: t.projectId };
    await handleExecutionFrame(t.deps, who, resultFrame(ok!, 1));
    await handleExecutionFrame(t.deps, who, resultFrame(bad!, 1, { outcome: 'failed', exit_code: 3 }));

    const forId = (s: TestStream, id: string) =>
      s
        .facts()
        .filter((f) => (f.data as { id?: string }).id === id)
        .map((f) => f.event);
    await pub.waitFor((f) => f.event === 'x_exec.execution.failed', 'x_exec failed');
    await ops.waitFor((f) => f.event === 'ox.execution.failed', 'ox failed');
    expect(forId(pub, ok!)).toEqual([
      'x_exec.execution.created',
      'x_exec.execution.started',
      'x_exec.execution.completed',
    ]);
    expect(forId(ops, ok!)).toEqual([
      'ox.execution.created',
      'ox.execution.started',
      'ox.execution.completed',
    ]);
    expect(forId(ops, bad!)).toEqual(['ox.execution.created', 'ox.execution.started', 'ox.execution.failed']);

    const started = ops.facts().find((f) => f.event === 'ox.execution.started')!;
    expect(Execution.parse(started.data)).toMatchObject({ id: ok, status: 'dispatched', agent_id: a.id });
    const completed = ops.facts().find((f) => f.event === 'ox.execution.completed')!;
    expect(Execution.parse(completed.data)).toMatchObject({ status: 'completed', exit_code: 0 });
    const failed = ops.facts().find((f) => f.event === 'ox.execution.failed')!.data as Record<
      string,
      unknown
    >;
    expect(Execution.parse(failed)).toMatchObject({ id: bad, status: 'failed', exit_code: 3 });
    expect(failed.envelope).toMatchObject({ error: { type: 'execution_error', code: expect.any(String) } });
    // The public stream's payload is the execution row itself.
    const pubFailed = pub.facts().find((f) => f.event === 'x_exec.execution.failed')!.data as Record<
      string,
      unknown
    >;
    expect(Execution.parse(pubFailed).id).toBe(bad);
    expect(pubFailed.envelope).toBeUndefined();
  });

  it('an agent connecting, publishing its manifest and draining: ox.agent.* and ox.manifest.updated', async () => {
    const ops = await stream('/ops/stream', { cookie: admin.cookie });
    const pub = await execStream();
    const seeded = await seedAgent(t);
    const agent = await connectAgent(base, seeded.token);
    const manifest: Manifest = {
      tools: [
        {
          name: 'probe',
          description: 'the probe tool',
          risk: 'read',
          domain: 'general',
          timeout_ms: 1000,
          idempotent: true,
          mcp_visible: true,
          params: { type: 'object', properties: {}, additionalProperties: false },
          bundle: 'test',
        },
      ],
    };
    const renewal = (state?: string) => ({
      type: 'lease_renewal',
      in_flight: [],
      manifest_hash: manifestHash(manifest),
      manifest_version: 1,
      manifest,
      ...(state ? { state } : {}),
    });
    agent.send(renewal());
    await agent.next('lease_ack');
    const component = {
      kind: 'service',
      name: 'postgres',
      address: '10.0.0.5:5432',
      attributes: { version: '16' },
    };
    agent.send({ type: 'discovery', components: [component] });
    agent.send(renewal('draining'));
    await agent.next('lease_ack');
    await agent.close();
    const mine = (f: { data: unknown }) => {
      const d = f.data as { id?: string; agent_id?: string };
      return d.id === seeded.agentId || d.agent_id === seeded.agentId;
    };
    await ops.waitFor((f) => f.event === 'ox.agent.offline' && mine(f), 'offline');
    const names = ops
      .facts()
      .filter(mine)
      .map((f) => f.event);
    // The first renewal stores the manifest and brings the agent online in one transaction.
    expect(names).toEqual([
      'ox.manifest.updated',
      'ox.agent.online',
      'ox.discovery.found',
      'ox.agent.draining',
      'ox.agent.offline',
    ]);
    const online = ops.facts().find((f) => f.event === 'ox.agent.online' && mine(f))!;
    expect(Agent.parse(online.data)).toMatchObject({ id: seeded.agentId, status: 'online' });
    const manifestDelta = ops.facts().find((f) => f.event === 'ox.manifest.updated' && mine(f))!;
    expect(manifestDelta.data).toMatchObject({ agent_id: seeded.agentId, manifest_version: 1 });
    const found = ops.facts().find((f) => f.event === 'ox.discovery.found' && mine(f))!;
    expect(found.data).toEqual({ id: expect.stringMatching(/^disc_/), agent_id: seeded.agentId, component });
    // Fleet facts are not part of the public executions stream.
    expect(pub.facts().some(mine)).toBe(false);
  });
});

describe('public streams', () => {
  it('filter by tool, status, workspace, risk and agent', async () => {
    const byTool = await execStream('?tool=filtered-a');
    const byStatus = await execStream('?status=completed,failed');
    const byRisk = await execStream('?risk=destructive');
    const a = await connectedAgent(t, ['filtered-a', 'filtered-b']);
    const byAgent = await execStream(`?agent=${a.id}`);
    const [x] = await queueExecutions(t, key, 'filtered-a', 1);
    const [y] = await queueExecutions(t, key, 'filtered-b', 1);
    await dispatchPass(t.deps);
    const who = { agentId: a.id, projectId: t.projectId };
    await handleExecutionFrame(t.deps, who, resultFrame(x!, 1));
    await handleExecutionFrame(t.deps, who, resultFrame(y!, 1));
    await byStatus.waitFor((f) => (f.data as { id?: string } | null)?.id === y, 'y completed');
    await byAgent.waitFor(
      (f) => (f.data as { id?: string } | null)?.id === y && f.event === 'x_exec.execution.completed',
      'y on agent',
    );
    const ids = (s: TestStream) => s.facts().map((f) => [(f.data as { id: string }).id, f.event]);
    expect(ids(byTool).every(([id]) => id === x)).toBe(true);
    expect(ids(byTool)).toHaveLength(3);
    expect(ids(byStatus)).toEqual([
      [x, 'x_exec.execution.completed'],
      [y, 'x_exec.execution.completed'],
    ]);
    // Only the agent-bound events (started, completed) name the agent.
    expect(ids(byAgent).map(([, e]) => e)).toEqual([
      'x_exec.execution.started',
      'x_exec.execution.started',
      'x_exec.execution.completed',
      'x_exec.execution.completed',
    ]);
    expect(byRisk.facts()).toHaveLength(0);
  });

  it('the approvals stream carries approval facts only', async () => {
    const approvals = await stream(`/${t.projectId}/v1/exec/approvals/stream`, bearer(key));
    const executions = await execStream();
    const approval = { id: 'apr_test', status: 'pending', tool: 'drop-db', risk: 'irreversible' };
    await t.deps.db.transaction().execute(async (trx) => {
      await appendEvent(trx, t.projectId, 'approval.requested', approval);
      await appendEvent(trx, t.projectId, 'approval.decided', {
        ...approval,
        status: 'approved',
        decision: 'approved',
      });
    });
    await approvals.waitFor((f) => f.event === 'x_exec.approval.decided', 'decided');
    expect(approvals.facts().map((f) => f.event)).toEqual([
      'x_exec.approval.requested',
      'x_exec.approval.decided',
    ]);
    // The public stream sends the full row (the dashboard's ox.approval.decided is minimal).
    expect(approvals.facts()[1]!.data).toMatchObject({ id: 'apr_test', decision: 'approved' });
    expect(executions.facts().some((f) => f.event?.includes('approval'))).toBe(false);
  });

  it('needs the execution scope and refuses bad filters', async () => {
    const user = (
      await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', ADMIN_EMAIL)
        .executeTakeFirstOrThrow()
    ).id;
    const { key: mgmt } = await seedApiKey(t, t.projectId, user, ['management']);
    const refused = await execStream('', mgmt);
    expect(refused.status).toBe(403);
    expect(refused.errorBody).toMatchObject({ error: { code: 'scope_insufficient' } });
    const bad = await execStream('?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.errorBody).toMatchObject({ error: { code: 'invalid_query' } });
    const anon = await stream(`/${t.projectId}/v1/exec/executions/stream`, {});
    expect(anon.status).toBe(401);
  });
});
