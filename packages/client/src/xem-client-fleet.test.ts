import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LevelPolicy } from '@xem/protocol';
import { XemApiError, XemClient } from './index';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; body: string; type?: string };

const at = '2026-01-01T00:00:00.000Z';
const workspace = {
  id: 'ws_1',
  name: 'default',
  type: 'generic',
  description: '',
  is_default: true,
  paused: false,
  pause_reason: null,
  paused_at: null,
  agent_ids: [],
  created_at: at,
};
const agent = {
  id: 'agt_1',
  registration_name: 'web-1',
  hostname: 'web-1',
  version: '0.1.0',
  region: 'eu',
  description: '',
  status: 'online',
  status_reason: null,
  max_concurrency: 20,
  in_flight: 0,
  tool_count: 1,
  manifest_hash: null,
  manifest_version: 1,
  last_heartbeat_at: null,
  lease_expires_at: null,
  workspace_ids: ['ws_1'],
  paused_workspace_ids: [],
  created_at: at,
};
const execution = {
  id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'echo',
  args: { n: 1 },
  risk: 'read',
  idempotent: true,
  source: 'cli',
  status: 'queued',
  attempt: 0,
  max_attempts: 3,
  agent_id: null,
  exit_code: null,
  error: null,
  timeout_ms: 1000,
  created_by: { user_id: null, key_id: 'key_1' },
  approval_id: null,
  chat_id: null,
  created_at: at,
  dispatched_at: null,
  finished_at: null,
  duration_ms: null,
};

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let reply: Reply = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen = [];
  reply = { status: 200, body: '{}' };
});

const client = () => new XemClient({ baseUrl, apiKey: 'xero_default_k', projectId: 'proj_1' });
const answer = (body: unknown, status = 200) => (reply = { status, body: JSON.stringify(body) });
const last = () => seen[seen.length - 1]!;
const sent = () => (last().body === '' ? undefined : JSON.parse(last().body));

describe('XemClient fleet routes', () => {
  it('maps every workspace call to its management route', async () => {
    const c = client();
    answer({ data: [workspace], next_cursor: null });
    expect((await c.listWorkspaces({ limit: 10 })).data[0]!.id).toBe('ws_1');
    expect(`${last().method} ${last().url}`).toBe('GET /proj_1/v1/management/workspaces?limit=10');

    answer(workspace, 201);
    await c.createWorkspace({ name: 'prod', type: 'linux' });
    expect(`${last().method} ${last().url}`).toBe('POST /proj_1/v1/management/workspaces');
    expect(sent()).toEqual({ name: 'prod', type: 'linux' });

    answer(workspace);
    await c.getWorkspace('ws 1');
    expect(last().url).toBe('/proj_1/v1/management/workspaces/ws%201');
    await c.updateWorkspace('ws_1', { is_default: true });
    expect([last().method, sent()]).toEqual(['PATCH', { is_default: true }]);
    await c.pauseWorkspace('ws_1', { reason: 'maintenance' });
    expect([last().url, sent()]).toEqual([
      '/proj_1/v1/management/workspaces/ws_1/pause',
      { reason: 'maintenance' },
    ]);
    await c.resumeWorkspace('ws_1');
    expect([last().url, sent()]).toEqual(['/proj_1/v1/management/workspaces/ws_1/resume', undefined]);
    await c.bindAgent('ws_1', 'agt_1');
    expect([last().url, sent()]).toEqual([
      '/proj_1/v1/management/workspaces/ws_1/agents',
      { agent_id: 'agt_1' },
    ]);
    await c.unbindAgent('ws_1', 'agt_1');
    expect(`${last().method} ${last().url}`).toBe(
      'DELETE /proj_1/v1/management/workspaces/ws_1/agents/agt_1',
    );

    reply = { status: 204, body: '' };
    await c.deleteWorkspace('ws_2');
    expect(`${last().method} ${last().url}`).toBe('DELETE /proj_1/v1/management/workspaces/ws_2');
  });

  it('maps the approval policy calls, PUT with its body', async () => {
    const c = client();
    const stage = { approvers: ['role:owner'], required_approvals: 1 };
    const lvl: LevelPolicy = {
      requires_approval: true,
      timeout_seconds: 900,
      on_timeout: 'reject',
      self_approval: 'forbidden',
      escalation: [stage],
    };
    const policy = {
      workspace_id: 'ws_1',
      version: 2,
      levels: { read: lvl, write: lvl, destructive: lvl, irreversible: lvl },
      updated_at: at,
      updated_by: 'usr_1',
    };
    answer(policy);
    expect((await c.getApprovalPolicy('ws_1')).version).toBe(2);
    expect(`${last().method} ${last().url}`).toBe(
      'GET /proj_1/v1/management/workspaces/ws_1/approval-policy',
    );
    await c.putApprovalPolicy('ws_1', { levels: { write: lvl } });
    expect(`${last().method} ${last().url}`).toBe(
      'PUT /proj_1/v1/management/workspaces/ws_1/approval-policy',
    );
    expect(last().headers['content-type']).toBe('application/json');
    expect(sent()).toEqual({ levels: { write: lvl } });
    await c.getApprovalPolicyVersion('ws_1', 0);
    expect(last().url).toBe('/proj_1/v1/management/workspaces/ws_1/approval-policy/versions/0');
    answer({ data: [policy], next_cursor: 'Mg' });
    const page = await c.listApprovalPolicyVersions('ws_1', { limit: 1 });
    expect(page).toMatchObject({ next_cursor: 'Mg', data: [{ version: 2 }] });
    expect(last().url).toBe('/proj_1/v1/management/workspaces/ws_1/approval-policy/versions?limit=1');
  });

  it('pages the key, member and invitation lists with limit and cursor', async () => {
    const c = client();
    answer({ data: [], next_cursor: null });
    await c.listKeys({ limit: 2, cursor: 'abc' });
    expect(`${last().method} ${last().url}`).toBe('GET /proj_1/v1/management/keys?limit=2&cursor=abc');
    await c.listMembers({ limit: 3 });
    expect(last().url).toBe('/proj_1/v1/management/project/members?limit=3');
    await c.listInvitations({ cursor: 'xyz' });
    expect(last().url).toBe('/proj_1/v1/management/project/invitations?cursor=xyz');
    await c.listKeys();
    expect(last().url).toBe('/proj_1/v1/management/keys');
  });

  it('maps join key and agent calls', async () => {
    const c = client();
    const jk = {
      id: 'jk_1',
      name: 'n',
      region: 'default',
      prefix: 'xjk_ab',
      workspace_id: null,
      max_uses: 1,
      uses: 0,
      expires_at: at,
      revoked_at: null,
      created_by: null,
      created_at: at,
      active: true,
    };
    answer({ key: 'xjk_secret', join_key: jk }, 201);
    const created = await c.createJoinKey({ name: 'n', ttl_hours: 2, max_uses: 3 });
    expect(created.key).toBe('xjk_secret');
    expect([last().url, sent()]).toEqual([
      '/proj_1/v1/management/join-keys',
      { name: 'n', ttl_hours: 2, max_uses: 3 },
    ]);
    answer({ data: [jk], next_cursor: null });
    await c.listJoinKeys();
    expect(`${last().method} ${last().url}`).toBe('GET /proj_1/v1/management/join-keys');
    answer(jk);
    await c.revokeJoinKey('jk_1');
    expect(`${last().method} ${last().url}`).toBe('POST /proj_1/v1/management/join-keys/jk_1/revoke');

    answer({ data: [agent], next_cursor: null });
    await c.listAgents();
    expect(last().url).toBe('/proj_1/v1/management/agents');
    answer(agent);
    await c.getAgent('agt_1');
    expect(`${last().method} ${last().url}`).toBe('GET /proj_1/v1/management/agents/agt_1');
    await c.updateAgent('agt_1', { description: 'd' });
    expect([last().method, sent()]).toEqual(['PATCH', { description: 'd' }]);
    await c.pauseAgentExec('agt_1', { reason: 'r', workspace_id: 'ws_1' });
    expect([last().url, sent()]).toEqual([
      '/proj_1/v1/management/agents/agt_1/pause-exec',
      { reason: 'r', workspace_id: 'ws_1' },
    ]);
    await c.resumeAgentExec('agt_1');
    expect([last().url, sent()]).toEqual(['/proj_1/v1/management/agents/agt_1/resume-exec', {}]);
    await c.drainAgent('agt_1');
    expect(last().url).toBe('/proj_1/v1/management/agents/agt_1/drain');
    await c.revokeAgentCredentials('agt_1');
    expect(last().url).toBe('/proj_1/v1/management/agents/agt_1/revoke-credentials');
  });
});

describe('XemClient exec routes', () => {
  it('creates an execution with an Idempotency-Key header only when given', async () => {
    const c = client();
    answer(execution, 201);
    await c.createExecution(
      { workspace: 'default', tool: 'echo', args: { n: 1 } },
      { idempotencyKey: 'k-1' },
    );
    expect(`${last().method} ${last().url}`).toBe('POST /proj_1/v1/exec/executions');
    expect(last().headers['idempotency-key']).toBe('k-1');
    expect(sent()).toEqual({ workspace: 'default', tool: 'echo', args: { n: 1 } });
    await c.createExecution({ workspace: 'default', tool: 'echo', queue: true });
    expect(last().headers['idempotency-key']).toBeUndefined();
  });

  it('joins list filters with commas and leaves absent ones out', async () => {
    answer({ data: [execution], next_cursor: 'c2' });
    const page = await client().listExecutions({
      status: ['failed', 'timed_out'],
      risk: ['write'],
      tool: 'echo',
      since: at,
      limit: 5,
      cursor: 'c1',
    });
    expect(page.next_cursor).toBe('c2');
    const url = new URL(last().url, 'http://x');
    expect(url.pathname).toBe('/proj_1/v1/exec/executions');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'failed,timed_out',
      risk: 'write',
      tool: 'echo',
      since: at,
      limit: '5',
      cursor: 'c1',
    });
  });

  it('maps tools, detail and the lifecycle actions', async () => {
    const c = client();
    answer({ data: [], next_cursor: null });
    await c.listTools();
    expect(last().url).toBe('/proj_1/v1/exec/tools');
    reply = {
      status: 404,
      body: JSON.stringify({
        error: { message: 'no tool', type: 'not_found_error', code: 'exec_tool_not_found', param: null },
      }),
    };
    await expect(c.getTool('nope')).rejects.toMatchObject({ status: 404, code: 'exec_tool_not_found' });
    expect(last().url).toBe('/proj_1/v1/exec/tools/nope');

    answer({ ...execution, history: [], attempts: [], output: null });
    expect((await c.getExecution('exe_1')).output).toBeNull();
    expect(last().url).toBe('/proj_1/v1/exec/executions/exe_1');
    answer(execution);
    for (const [call, verb] of [
      [() => c.cancelExecution('exe_1'), 'cancel'],
      [() => c.retryExecution('exe_1'), 'retry'],
      [() => c.markExecutionFailed('exe_1'), 'mark-failed'],
    ] as const) {
      await call();
      expect(`${last().method} ${last().url}`).toBe(`POST /proj_1/v1/exec/executions/exe_1/${verb}`);
    }
  });

  it('reads raw output as text, and a JSON error on that route as an XemApiError', async () => {
    reply = { status: 200, body: 'line 1\n{"not":"parsed"}\n', type: 'text/plain' };
    expect(await client().getExecutionRaw('exe_1', 'stderr')).toBe('line 1\n{"not":"parsed"}\n');
    expect(last().url).toBe('/proj_1/v1/exec/executions/exe_1/raw?stream=stderr');
    expect(last().headers.accept).toContain('text/plain');
    reply = {
      status: 404,
      body: JSON.stringify({
        error: { message: 'no such execution', type: 'not_found_error', code: 'not_found', param: null },
      }),
    };
    const err = await client()
      .getExecutionRaw('exe_2')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XemApiError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    expect(last().url).toBe('/proj_1/v1/exec/executions/exe_2/raw?stream=stdout');
  });
});
