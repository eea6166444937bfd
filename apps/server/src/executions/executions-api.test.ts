import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Execution, ExecutionDetail, listOf, Tool } from '@xem/protocol';
import {
  bearer,
  createTestApp,
  expectError,
  seedApiKey,
  seedProject,
  type TestApp,
} from '../../test/test-app';
import { adminKey, defaultWorkspace, executionRow, seedExecAgent, tool } from '../../test/execution-fixtures';

let t: TestApp;
let key: string;
let ws: string;

const echoParams = {
  type: 'object',
  properties: { message: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
  required: ['message'],
  additionalProperties: false,
};

beforeAll(async () => {
  t = await createTestApp();
  key = await adminKey(t);
  ws = await defaultWorkspace(t);
  // One online agent offering echo (read) and wipe (destructive).
  await seedExecAgent(t, {
    tools: [tool('echo', { params: echoParams }), tool('wipe', { risk: 'destructive', idempotent: false })],
  });
});
afterAll(() => t.close());

const base = () => `/${t.projectId}/v1/exec`;

function create(body: object, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `${base()}/executions`,
    headers: { ...bearer(key), ...headers },
    payload: body,
  });
}

async function created(body: object, headers: Record<string, string> = {}): Promise<Execution> {
  const res = await create(body, headers);
  expect(res.statusCode, res.body).toBe(201);
  return Execution.parse(res.json());
}

describe('the tool catalogue', () => {
  it('is the union of the manifests of non-revoked agents, strictest entry winning', async () => {
    await seedExecAgent(t, { tools: [tool('echo', { risk: 'write', timeout_ms: 5000, idempotent: false })] });
    await seedExecAgent(t, { status: 'revoked', tools: [tool('ghost')] });
    const res = await t.app.inject({ method: 'GET', url: `${base()}/tools`, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    const tools = listOf(Tool).parse(res.json()).data;
    expect(tools.map((x) => x.name)).toEqual(['echo', 'wipe']);
    const echo = tools[0]!;
    expect(echo).toMatchObject({ risk: 'write', timeout_ms: 5000, idempotent: false, workspace_ids: [ws] });
    expect(echo.agents).toHaveLength(2);
    const one = await t.app.inject({ method: 'GET', url: `${base()}/tools/wipe`, headers: bearer(key) });
    expect(Tool.parse(one.json()).risk).toBe('destructive');
    expectError(
      await t.app.inject({ method: 'GET', url: `${base()}/tools/ghost`, headers: bearer(key) }),
      404,
      'exec_tool_not_found',
    );
  });
});

describe('POST /executions', () => {
  it('queues a valid request, recording transition, event and audit in one go', async () => {
    const e = await created({ workspace: 'default', tool: 'echo', args: { message: 'hi' } });
    expect(e).toMatchObject({ status: 'queued', attempt: 0, workspace_id: ws, source: 'api', risk: 'write' });
    const transitions = await t.deps.db
      .selectFrom('execution_transitions')
      .selectAll()
      .where('execution_id', '=', e.id)
      .execute();
    expect(transitions.map((x) => [x.from_status, x.to_status])).toEqual([[null, 'queued']]);
    const events = await t.deps.db
      .selectFrom('events')
      .select('type')
      .where('type', 'like', 'execution.%')
      .execute();
    expect(events.map((x) => x.type)).toContain('execution.created');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'execution.create', actor_type: 'api_key', outcome: 'success' });
  });

  it('takes the workspace by id too, and records xeroctl as the cli source', async () => {
    const e = await created(
      { workspace: ws, tool: 'echo', args: { message: 'x' } },
      { 'user-agent': 'xeroctl/0.1.0 (linux)' },
    );
    expect(e.source).toBe('cli');
  });

  it('validates args against the tool schema: 400 invalid_body naming args.<field>', async () => {
    const cases: Array<[object, string]> = [
      [{}, 'args.message'],
      [{ message: 5 }, 'args.message'],
      [{ message: 'x', count: 0 }, 'args.count'],
      [{ message: 'x', extra: true }, 'args.extra'],
    ];
    for (const [args, param] of cases) {
      const res = await create({ workspace: 'default', tool: 'echo', args });
      expect(expectError(res, 400, 'invalid_body').error.param, JSON.stringify(args)).toBe(param);
    }
  });

  it('refuses an unknown tool (400 exec_tool_not_found) and an unknown workspace (404)', async () => {
    const res = await create({ workspace: 'default', tool: 'nope', args: {} });
    expect(expectError(res, 400, 'exec_tool_not_found').error.param).toBe('tool');
    expectError(
      await create({ workspace: 'elsewhere', tool: 'echo', args: { message: 'x' } }),
      404,
      'not_found',
    );
  });

  it('503 tool_executor_unavailable when no online agent can run it, unless queue: true', async () => {
    await seedExecAgent(t, { status: 'offline', tools: [tool('offline-only')] });
    const res = await create({ workspace: 'default', tool: 'offline-only', args: {} });
    const body = expectError(res, 503, 'tool_executor_unavailable');
    expect(body.error.retry_after).toBeGreaterThan(0);
    expect(res.headers['retry-after']).toBeDefined();
    const queued = await created({ workspace: 'default', tool: 'offline-only', args: {}, queue: true });
    expect(queued.status).toBe('queued');
  });

  it('destructive tools wait for approval and can be cancelled there', async () => {
    const e = await created({ workspace: 'default', tool: 'wipe', args: {} });
    expect(e).toMatchObject({ status: 'pending_approval', risk: 'destructive', idempotent: false });
    const res = await t.app.inject({
      method: 'POST',
      url: `${base()}/executions/${e.id}/cancel`,
      headers: bearer(key),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(Execution.parse(res.json())).toMatchObject({ status: 'cancelled' });
    expect((await executionRow(t, e.id)).finished_at).not.toBeNull();
  });

  it('Idempotency-Key: same body → same execution and same response; different body → 422', async () => {
    const h = { 'idempotency-key': 'idem-1' };
    const body = { workspace: 'default', tool: 'echo', args: { message: 'once' } };
    const first = await create(body, h);
    expect(first.statusCode, first.body).toBe(201);
    // Key order in the body does not matter: the hash is of canonical JSON.
    const again = await create({ args: { message: 'once' }, tool: 'echo', workspace: 'default' }, h);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    // Even after it moved on, the replay answers what the first request got.
    await t.app.inject({
      method: 'POST',
      url: `${base()}/executions/${first.json<Execution>().id}/cancel`,
      headers: bearer(key),
    });
    expect((await create(body, h)).json()).toEqual(first.json());
    const count = await t.deps.db
      .selectFrom('executions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('idempotency_key', '=', 'idem-1')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    const other = await create({ ...body, args: { message: 'twice' } }, h);
    expectError(other, 422, 'idempotency_key_reused');
  });

  it('concurrent requests with one Idempotency-Key create one execution', async () => {
    const h = { 'idempotency-key': 'idem-race' };
    const body = { workspace: 'default', tool: 'echo', args: { message: 'race' } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(body, h)));
    for (const a of answers) expect(a.statusCode, a.body).toBe(201);
    expect(new Set(answers.map((a) => a.json<Execution>().id)).size).toBe(1);
  });
});

describe('GET /executions, show, raw', () => {
  it('filters and pages with a cursor, newest first, without gaps or repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await created({ workspace: 'default', tool: 'echo', args: { message: `p${i}` } })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?tool=echo&status=queued&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({
        method: 'GET',
        url: `${base()}/executions${q}`,
        headers: bearer(key),
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = listOf(Execution).parse(res.json());
      expect(page.data.length).toBeLessThanOrEqual(3);
      for (const e of page.data) expect(e).toMatchObject({ tool: 'echo', status: 'queued' });
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // The seven just made are the newest echo executions, in reverse order of creation.
    expect(seen.slice(0, 7)).toEqual([...ids].reverse());
    const all = await t.deps.db
      .selectFrom('executions')
      .select('id')
      .where('tool', '=', 'echo')
      .where('status', '=', 'queued')
      .execute();
    expect(seen.length).toBe(all.length);
  });

  it('filters by risk, source, workspace name and time window; refuses a forged cursor', async () => {
    const get = (q: string) =>
      t.app.inject({ method: 'GET', url: `${base()}/executions?${q}`, headers: bearer(key) });
    const risky = listOf(Execution).parse((await get('risk=destructive')).json()).data;
    expect(risky.length).toBeGreaterThan(0);
    for (const e of risky) expect(e.risk).toBe('destructive');
    const cli = listOf(Execution).parse((await get('source=cli')).json()).data;
    expect(cli.map((e) => e.source)).toEqual(['cli']);
    const byName = listOf(Execution).parse((await get('workspace=default&limit=500')).json()).data;
    const byId = listOf(Execution).parse((await get(`workspace=${ws}&limit=500`)).json()).data;
    expect(byName.length).toBeGreaterThan(0);
    expect(byName).toEqual(byId);
    const future = listOf(Execution).parse((await get('since=2999-01-01T00:00:00Z')).json()).data;
    expect(future).toEqual([]);
    const past = listOf(Execution).parse((await get('until=2000-01-01T00:00:00Z')).json()).data;
    expect(past).toEqual([]);
    expect(expectError(await get('cursor=bm9wZQ'), 400, 'invalid_query').error.param).toBe('cursor');
  });

  it('shows the detail with history, attempts and output; raw is text/plain', async () => {
    const e = await created({ workspace: 'default', tool: 'echo', args: { message: 'show' } });
    const res = await t.app.inject({
      method: 'GET',
      url: `${base()}/executions/${e.id}`,
      headers: bearer(key),
    });
    const d = ExecutionDetail.parse(res.json());
    expect(d).toMatchObject({ id: e.id, attempts: [], output: null });
    expect(d.history.map((h) => [h.from, h.to])).toEqual([[null, 'queued']]);
    const raw = await t.app.inject({
      method: 'GET',
      url: `${base()}/executions/${e.id}/raw?stream=stderr`,
      headers: bearer(key),
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^text\/plain/);
    expect(raw.body).toBe('');
  });
});

describe('operator actions on the wrong status', () => {
  it('retry of a queued execution and mark-failed of a non-ambiguous one are 409 conflict', async () => {
    const e = await created({ workspace: 'default', tool: 'echo', args: { message: 'x' } });
    for (const action of ['retry', 'mark-failed']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `${base()}/executions/${e.id}/${action}`,
        headers: bearer(key),
      });
      expectError(res, 409, 'conflict');
    }
    await t.app.inject({ method: 'POST', url: `${base()}/executions/${e.id}/cancel`, headers: bearer(key) });
    const again = await t.app.inject({
      method: 'POST',
      url: `${base()}/executions/${e.id}/cancel`,
      headers: bearer(key),
    });
    expectError(again, 409, 'conflict');
  });
});

describe('another project', () => {
  it("cannot see or act on this project's executions or tools: 404", async () => {
    const e = await created({ workspace: 'default', tool: 'echo', args: { message: 'mine' } });
    const other = await seedProject(t);
    const otherKey = (await seedApiKey(t, other.id, other.owner.id)).key;
    const ob = `/${other.id}/v1/exec`;
    for (const [method, url] of [
      ['GET', `${ob}/executions/${e.id}`],
      ['GET', `${ob}/executions/${e.id}/raw`],
      ['POST', `${ob}/executions/${e.id}/cancel`],
      ['POST', `${ob}/executions/${e.id}/retry`],
      ['POST', `${ob}/executions/${e.id}/mark-failed`],
      ['GET', `${ob}/tools/echo`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: bearer(otherKey) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await t.app.inject({ method: 'GET', url: `${ob}/executions`, headers: bearer(otherKey) });
    expect(listOf(Execution).parse(list.json()).data).toEqual([]);
    const create = await t.app.inject({
      method: 'POST',
      url: `${ob}/executions`,
      headers: bearer(otherKey),
      payload: { workspace: ws, tool: 'echo', args: { message: 'x' } },
    });
    expectError(create, 404, 'not_found');
    expect((await executionRow(t, e.id)).status).toBe('queued');
  });
});
