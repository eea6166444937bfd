import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, ExecutionDetail, ExecutionStatus } from '@xem/protocol';
import { REPO_BUNDLES_DIR } from '../src/config';
import { tempDirs } from '../src/test-helpers';
import { startAgentProcess, type AgentProcess } from './start-agent';
import { startServer, type StartedServer } from '../../../test-support/start-server';

/**
 * The real server process, real `xem-agent` processes and real tools, talking over HTTP and the
 * agent WebSocket with short intervals (renewal 200 ms → lease TTL 600 ms, dispatch poll 100 ms).
 * The scenarios run in order and share the agents they start. Credentials live 10 s.
 */

const dirs = tempDirs();
let server: StartedServer;
let projectId: string;
let apiKey: string;
let joinKey: string;
let workspace: string;
let toolsDir: string;
const agents: AgentProcess[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

const mgmt = (p: string) => `/${projectId}/v1/management${p}`;
const exec = (p: string) => `/${projectId}/v1/exec${p}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}\n--- agents ---\n${agents.map((a) => a.stderr().slice(-3000)).join('\n---\n')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const createExecution = (tool: string, args: Record<string, unknown> = {}, queue = false) =>
  api<{ id: string; status: ExecutionStatus }>('POST', exec('/executions'), { workspace, tool, args, queue });
const getExecution = (id: string) => api<ExecutionDetail>('GET', exec(`/executions/${id}`));
const FINAL: ExecutionStatus[] = ['completed', 'failed', 'timed_out', 'cancelled', 'rejected', 'ambiguous'];
const finished = (id: string, timeoutMs = 20_000) =>
  until(
    `execution ${id} to finish`,
    async () => {
      const e = await getExecution(id);
      return FINAL.includes(e.status) ? e : undefined;
    },
    timeoutMs,
  );
const inStatus = (id: string, status: ExecutionStatus) =>
  until(`execution ${id} to be ${status}`, async () => {
    const e = await getExecution(id);
    return e.status === status ? e : undefined;
  });

async function startAgent(
  name: string,
  extra: Record<string, string> = {},
): Promise<{ proc: AgentProcess; agent: Agent }> {
  const state = dirs.make(`xem-e2e-${name}-`);
  const proc = startAgentProcess({
    XEM_ROUTER_URL: server.baseUrl,
    XEM_REGISTRATION_NAME: name,
    XEM_JOIN_KEY: joinKey,
    XEM_STATE_DIR: state,
    XEM_TOOLS_DIR: toolsDir,
    XEM_FILE_ROOT: join(state, 'files'),
    // 1.5 s leases: 200 ms renewals (0.6 s leases) lapsed under load and a healthy agent lost its run.
    XEM_LEASE_RENEWAL_INTERVAL_MS: '500',
    XEM_LOG_LEVEL: 'debug',
    ...extra,
  });
  agents.push(proc);
  const agent = await until(`agent ${name} online`, async () => {
    const list = await api<{ data: Agent[] } | Agent[]>('GET', mgmt('/agents'));
    const rows = Array.isArray(list) ? list : list.data;
    return rows.find((a) => a.registration_name === name && a.status === 'online' && a.tool_count > 0);
  });
  return { proc, agent };
}

beforeAll(async () => {
  server = await startServer({
    env: {
      XEM_LEASE_RENEWAL_INTERVAL_MS: '500',
      XEM_DISPATCH_POLL_INTERVAL_MS: '100',
      XEM_LOCAL_AGENT: 'false',
      // Short-lived credentials, so agents refresh them (at two thirds, ~7 s) during the run.
      XEM_AGENT_CREDENTIAL_TTL_SECONDS: '10',
    },
  });
  const tokenRes = await fetch(`${server.baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: server.adminEmail,
      password: server.adminPassword,
      name: 'agent-e2e',
      scopes: ['management', 'execution'],
    }),
  });
  const token = (await tokenRes.json()) as { key: string; project_id: string };
  expect(tokenRes.status, JSON.stringify(token)).toBeLessThan(300);
  apiKey = token.key;
  projectId = token.project_id;
  const minted = await api<{ key: string }>('POST', mgmt('/join-keys'), { name: 'e2e', max_uses: 10 });
  joinKey = minted.key;
  const workspaces = await api<{ data: { id: string; is_default: boolean }[] }>('GET', mgmt('/workspaces'));
  workspace = workspaces.data.find((w) => w.is_default)!.id;

  // The core bundle plus a test bundle with a tool that outlives its timeout and a
  // non-idempotent one.
  toolsDir = dirs.make('xem-e2e-tools-');
  symlinkSync(join(REPO_BUNDLES_DIR, 'core'), join(toolsDir, 'core'));
  mkdirSync(join(toolsDir, 'e2e'));
  const tool = (name: string, timeoutMs: number, idempotent: boolean, script: string) => ({
    name,
    description: `e2e ${name}`,
    risk: 'write',
    timeout_ms: timeoutMs,
    idempotent,
    params: { type: 'object', properties: {}, additionalProperties: false },
    command: ['node', '-e', script],
  });
  writeFileSync(
    join(toolsDir, 'e2e', 'manifest.json'),
    JSON.stringify({
      tools: [
        tool('hang', 1000, true, 'setInterval(() => {}, 1000)'),
        tool('slow_once', 30_000, false, 'setTimeout(() => process.stdout.write("done"), 5000)'),
      ],
    }),
  );
}, 90_000);

afterAll(async () => {
  for (const a of agents) {
    a.child.kill('SIGKILL');
    await a.exited;
  }
  await server?.stop();
  dirs.cleanup();
});

describe(`xem-agent against the real server`, () => {
  let a: { proc: AgentProcess; agent: Agent };

  it('enrolls with a join key minted over HTTP and publishes its tools', async () => {
    a = await startAgent('agent-a', { XEM_MAX_CONCURRENT_EXECUTIONS: '2' });
    expect(a.agent).toMatchObject({ max_concurrency: 2, status: 'online' });
    expect(a.agent.workspace_ids).toContain(workspace);
    const tools = await api<
      { data: { name: string; risk: string; idempotent: boolean }[] } | { name: string }[]
    >('GET', exec('/tools'));
    const names = (Array.isArray(tools) ? tools : tools.data).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['disk_usage', 'directory_purge', 'echo', 'sleep', 'hang']));
  }, 60_000);

  it('runs a core tool end to end and returns its output', async () => {
    const created = await createExecution('disk_usage', { path: '/' });
    const done = await finished(created.id);
    expect(done, JSON.stringify(done)).toMatchObject({
      status: 'completed',
      exit_code: 0,
      agent_id: a.agent.id,
    });
    const out = JSON.parse(done.output!.stdout);
    expect(out.path).toBe('/');
    expect(out.total_bytes).toBeGreaterThan(0);

    const write = await finished(
      (await createExecution('file_write', { path: 'e2e/hello.txt', content: 'hi' })).id,
    );
    expect(write.status).toBe('completed');
    const read = await finished((await createExecution('file_read', { path: 'e2e/hello.txt' })).id);
    expect(JSON.parse(read.output!.stdout)).toMatchObject({ content: 'hi' });
  });

  it('never runs more than the agent’s concurrency at once', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createExecution('sleep', { ms: 1500 }, true)).id);
    let maxDispatched = 0;
    let sawQueuedBehindFull = false;
    for (;;) {
      const rows = await Promise.all(ids.map(getExecution));
      const dispatched = rows.filter((r) => r.status === 'dispatched').length;
      maxDispatched = Math.max(maxDispatched, dispatched);
      if (dispatched === 2 && rows.some((r) => r.status === 'queued')) sawQueuedBehindFull = true;
      if (rows.every((r) => FINAL.includes(r.status))) {
        expect(
          rows.map((r) => r.status),
          JSON.stringify(rows.map((r) => [r.status, r.error, r.attempts])),
        ).toEqual(['completed', 'completed', 'completed']);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(maxDispatched).toBe(2);
    expect(sawQueuedBehindFull).toBe(true);
  }, 30_000);

  it('stops a tool that outlives its timeout (timed_out)', async () => {
    const done = await finished((await createExecution('hang')).id);
    expect(done.status).toBe('timed_out');
    expect(done.error?.code).toBe('timed_out');
  });

  it('cancels a running tool', async () => {
    const created = await createExecution('sleep', { ms: 60_000 });
    await inStatus(created.id, 'dispatched');
    const t0 = Date.now();
    await api('POST', exec(`/executions/${created.id}/cancel`));
    const done = await finished(created.id);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  let b: { proc: AgentProcess; agent: Agent };

  it('SIGKILL mid-run: an idempotent execution is retried on another agent', async () => {
    // Long enough to still be running on A once B is up (enrolling takes a second or two).
    const created = await createExecution('sleep', { ms: 6000 });
    const running = await inStatus(created.id, 'dispatched');
    expect(running.agent_id).toBe(a.agent.id);
    b = await startAgent('agent-b');
    expect(await getExecution(created.id)).toMatchObject({ status: 'dispatched', agent_id: a.agent.id });
    a.proc.child.kill('SIGKILL');
    const done = await finished(created.id, 30_000);
    expect(done).toMatchObject({ status: 'completed', agent_id: b.agent.id, attempt: 2 });
    expect(done.attempts.map((t) => t.agent_id)).toEqual([a.agent.id, b.agent.id]);
  }, 60_000);

  it('SIGKILL mid-run: a non-idempotent execution becomes ambiguous', async () => {
    const created = await createExecution('slow_once');
    const running = await inStatus(created.id, 'dispatched');
    expect(running.agent_id).toBe(b.agent.id);
    b.proc.child.kill('SIGKILL');
    const done = await finished(created.id, 30_000);
    expect(done.status).toBe('ambiguous');
    // An operator decides to run it again: a new attempt on a live agent.
    const r = await startAgent('agent-retry');
    await api('POST', exec(`/executions/${created.id}/retry`));
    const retried = await finished(created.id, 30_000);
    expect(retried).toMatchObject({ status: 'completed', attempt: 2, agent_id: r.agent.id });
    r.proc.child.kill('SIGKILL');
  }, 90_000);

  it('SIGTERM drains: running work finishes while the lease is still renewed, then the agent exits 0', async () => {
    const c = await startAgent('agent-c', { XEM_SHUTDOWN_GRACE_SECONDS: '20' });
    const created = await createExecution('sleep', { ms: 2500 });
    await inStatus(created.id, 'dispatched');
    c.proc.child.kill('SIGTERM');
    const draining = await until('agent-c draining', async () => {
      const ag = await api<Agent>('GET', mgmt(`/agents/${c.agent.id}`));
      return ag.status === 'draining' ? ag : undefined;
    });
    // Well past one lease TTL (600 ms) later the lease is still being extended.
    await new Promise((r) => setTimeout(r, 1200));
    const later = await api<Agent>('GET', mgmt(`/agents/${c.agent.id}`));
    expect(later.status).toBe('draining');
    expect(Date.parse(later.lease_expires_at!)).toBeGreaterThan(Date.parse(draining.lease_expires_at!));
    const done = await finished(created.id);
    expect(done).toMatchObject({ status: 'completed', agent_id: c.agent.id });
    expect(await c.proc.exited).toBe(0);
    await until('agent-c offline', async () => {
      const ag = await api<Agent>('GET', mgmt(`/agents/${c.agent.id}`));
      return ag.status === 'offline' ? ag : undefined;
    });
  }, 60_000);

  it('refreshes its credential by signing a challenge, and reconnects with it after a restart', async () => {
    const state = dirs.make('xem-e2e-agent-d-');
    const env = { XEM_STATE_DIR: state, XEM_FILE_ROOT: join(state, 'files') };
    const d = await startAgent('agent-d', env);
    await until('agent-d to refresh its credential', async () =>
      d.proc.stderr().includes('credential refreshed') ? true : undefined,
    );
    d.proc.child.kill('SIGTERM');
    expect(await d.proc.exited).toBe(0);
    // The join key is not needed again: the refreshed credential (and the same agent id) is.
    const again = await startAgent('agent-d', { ...env, XEM_JOIN_KEY: '' });
    expect(again.agent.id).toBe(d.agent.id);
    const echo = await finished((await createExecution('echo', { hi: 'there' }, true)).id);
    expect(JSON.parse(echo.output!.stdout)).toEqual({ hi: 'there' });
  }, 60_000);
});
