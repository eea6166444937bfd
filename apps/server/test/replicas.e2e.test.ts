import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import { waitFor } from './fake-agent';
import { openStream, type Frame, type TestStream } from './sse-client';

/**
 * Two real server processes on one PostgreSQL database: an execution created through replica A
 * is run by the local agent of replica B and seen live on both; a public stream resumes on the
 * other replica without gaps or repeats.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);

let a: StartedServer;
let b: StartedServer;
let projectId: string;
let key: string;
let cookie: string;
const open: TestStream[] = [];
const logs = () => `replica A:\n${a?.output()}\nreplica B:\n${b?.output()}`;

beforeAll(async () => {
  if (!onPostgres) return;
  a = await startServer({ env: { XEM_LOCAL_AGENT: 'false' } });
  b = await startServer({
    replicaOf: a,
    env: { XEM_LOCAL_AGENT: 'true', XEM_LEASE_RENEWAL_INTERVAL_MS: '1000' },
  });
  const creds = JSON.stringify({ email: a.adminEmail, password: a.adminPassword });
  const login = await fetch(`${a.baseUrl}/ops/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: creds,
  });
  expect(login.status).toBe(200);
  cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const token = await fetch(`${b.baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: creds,
  });
  ({ key, project_id: projectId } = (await token.json()) as { key: string; project_id: string });
}, 120_000);

afterAll(async () => {
  for (const s of open) s.close();
  await b?.stop();
  await a?.stop();
});

const auth = () => ({ authorization: `Bearer ${key}` });
const idOf = (f: Frame) => (f.data as { id?: string }).id;

async function execute(base: string, tool: string, args: object): Promise<string> {
  const res = await fetch(`${base}/${projectId}/v1/exec/executions`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ workspace: 'default', tool, args }),
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status}: ${await res.text()}\n${logs()}`);
  return ((await res.json()) as { id: string }).id;
}

describe.runIf(onPostgres)('two replicas on one database', () => {
  it('streams on both replicas see an execution created on A and run by an agent on B; resume works across them', async () => {
    const agent = await waitFor(
      async () => {
        const res = await fetch(`${b.baseUrl}/${projectId}/v1/management/agents`, { headers: auth() });
        const body = (await res.json()) as {
          data: Array<{ id: string; status: string; tool_count: number }>;
        };
        return body.data.find((x) => x.status === 'online' && x.tool_count > 0);
      },
      `B's local agent online\n${logs()}`,
      45_000,
    );

    const opsOnA = await openStream(`${a.baseUrl}/ops/stream`, { cookie });
    const pubOnB = await openStream(`${b.baseUrl}/${projectId}/v1/exec/executions/stream`, auth());
    open.push(opsOnA, pubOnB);
    expect(opsOnA.status).toBe(200);
    expect(pubOnB.status).toBe(200);
    await opsOnA.waitFor((f) => f.event === 'ox.connection.connected', 'A connected');
    await pubOnB.waitFor((f) => f.event === 'x_exec.connection.connected', 'B connected');

    const first = await execute(a.baseUrl, 'echo', { from: 'replica A' });
    const done = await opsOnA.waitFor(
      (f) => f.event === 'ox.execution.completed' && idOf(f) === first,
      `completed on A\n${logs()}`,
      20_000,
    );
    expect(done.data).toMatchObject({ id: first, status: 'completed', agent_id: agent.id, exit_code: 0 });
    await pubOnB.waitFor(
      (f) => f.event === 'x_exec.execution.completed' && idOf(f) === first,
      'completed on B',
    );
    const seen = (s: TestStream, prefix: string) =>
      s
        .facts()
        .filter((f) => idOf(f) === first)
        .map((f) => f.event!.replace(prefix, ''));
    expect(seen(opsOnA, 'ox.')).toEqual(['execution.created', 'execution.started', 'execution.completed']);
    expect(seen(pubOnB, 'x_exec.')).toEqual([
      'execution.created',
      'execution.started',
      'execution.completed',
    ]);

    // The public client leaves B after `started`, and a second execution runs meanwhile.
    const started = pubOnB.facts().find((f) => f.event === 'x_exec.execution.started' && idOf(f) === first)!;
    const second = await execute(b.baseUrl, 'echo', { from: 'replica B' });
    await pubOnB.waitFor(
      (f) => f.event === 'x_exec.execution.completed' && idOf(f) === second,
      'second on B',
    );
    pubOnB.close();

    // It resumes on A from the id it last handled: everything after it, in order, once.
    const resumed = await openStream(`${a.baseUrl}/${projectId}/v1/exec/executions/stream`, {
      ...auth(),
      'last-event-id': started.id!,
    });
    open.push(resumed);
    await resumed.waitFor(
      (f) => f.event === 'x_exec.execution.completed' && idOf(f) === second,
      'resumed on A',
    );
    const after = (s: TestStream) =>
      s
        .facts()
        .filter((f) => BigInt(f.id!) > BigInt(started.id!))
        .map((f) => `${f.id} ${f.event} ${idOf(f)}`);
    expect(after(resumed)).toEqual(after(pubOnB));
    expect(after(resumed)).toHaveLength(4);
  }, 120_000);
});
