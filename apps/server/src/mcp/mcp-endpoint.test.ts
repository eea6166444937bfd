import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../../../../test-support/start-server';
import {
  apiAs,
  changeInitialPassword,
  startRealAgent,
  tokenFor,
  waitAgentOnline,
  type RealAgent,
} from '../../test/mcp-fleet';

/**
 * The real server process, a real `xem-agent` with the core bundle, and the MCP SDK's own client
 * over Streamable HTTP. The admin (an owner) drives the MCP client; a second owner decides.
 */

let server: StartedServer;
let agent: RealAgent;
let projectId: string;
let adminKey: string;
let adminUserId: string;
let otherOwnerKey: string;
let client: Client;

type Api = ReturnType<typeof apiAs>;
let admin: Api;
let otherOwner: Api;

async function mcpClient(key: string, workspace?: string): Promise<Client> {
  const c = new Client({ name: 'xem-mcp-test', version: '1.0.0' });
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (workspace !== undefined) headers['x-xerotier-workspace'] = workspace;
  await c.connect(
    new StreamableHTTPClientTransport(new URL(`${server.baseUrl}/${projectId}/v1/mcp`), {
      requestInit: { headers },
    }),
  );
  return c;
}

const call = async (name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
interface Structured {
  [k: string]: unknown;
  status?: string;
  execution_id?: string;
  approval_id?: string;
  approval_url?: string;
  error: { code: string; param?: string | null };
}
interface Envelope {
  error: { code: string; param: string | null };
}
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const structured = (r: CallToolResult) => r.structuredContent as Structured;

beforeAll(async () => {
  server = await startServer({
    env: {
      // A lease of 3 s: 200 ms renewals lapse on a loaded machine and calls then answer 503.
      XEM_LEASE_RENEWAL_INTERVAL_MS: '1000',
      XEM_DISPATCH_POLL_INTERVAL_MS: '100',
      XEM_LOCAL_AGENT: 'false',
    },
  });
  const token = await tokenFor(server, server.adminEmail, server.adminPassword, ['execution', 'management']);
  adminKey = token.key;
  projectId = token.project_id;
  admin = apiAs(server, adminKey);
  adminUserId = (await admin<{ user: { id: string } }>('GET', '/v1/auth/whoami')).json.user.id;

  const email = 'second-owner@example.test';
  const added = await admin('POST', `/${projectId}/v1/management/project/members`, {
    email,
    role: 'owner',
    initial_password: 'initial-password-1',
  });
  expect(added.status, JSON.stringify(added.json)).toBe(201);
  await changeInitialPassword(server, email, 'initial-password-1', 'second-owner-password-1');
  otherOwnerKey = (await tokenFor(server, email, 'second-owner-password-1', ['execution'])).key;
  otherOwner = apiAs(server, otherOwnerKey);

  const jk = await admin<{ key: string }>('POST', `/${projectId}/v1/management/join-keys`, { name: 'mcp' });
  agent = startRealAgent(server, jk.json.key, 'mcp-agent');
  await waitAgentOnline(admin, projectId, 'mcp-agent', agent);
  client = await mcpClient(adminKey, 'default');
}, 90_000);

afterAll(async () => {
  await client?.close();
  await agent?.stop();
  await server?.stop();
});

describe(`the MCP endpoint (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('lists the workspace’s MCP-visible tools with schemas and risk annotations, plus the status tool', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.has('hidden_echo')).toBe(false);
    expect(byName.get('system_info')).toMatchObject({
      annotations: { readOnlyHint: true, destructiveHint: false },
      _meta: { 'xem/risk': 'read' },
      inputSchema: { type: 'object' },
    });
    expect(byName.get('system_info')!.description).toContain('risk: read');
    expect(byName.get('file_read')!.inputSchema).toMatchObject({ required: ['path'] });
    expect(byName.get('directory_purge')).toMatchObject({
      annotations: { readOnlyHint: false, destructiveHint: true },
      _meta: { 'xem/risk': 'irreversible' },
    });
    expect(byName.get('xem_execution_status')!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('runs a read tool on the real agent and answers its output; the execution has source mcp', async () => {
    writeFileSync(join(agent.fileRoot, 'hello.txt'), 'hello from the agent');
    const r = await call('file_read', { path: 'hello.txt' });
    expect(r.isError ?? false, text(r)).toBe(false);
    expect(text(r)).toContain('hello from the agent');
    const exe = await admin<{ source: string; created_by: { user_id: string } }>(
      'GET',
      `/${projectId}/v1/exec/executions/${structured(r).execution_id}`,
    );
    expect(exe.json).toMatchObject({
      source: 'mcp',
      status: 'completed',
      created_by: { user_id: adminUserId },
    });
  });

  it('refuses a non-visible tool (tool_not_mcp_visible), an unknown one and bad arguments as tool errors', async () => {
    const hidden = await call('hidden_echo');
    expect(hidden.isError).toBe(true);
    expect(structured(hidden).error.code).toBe('tool_not_mcp_visible');
    const unknown = await call('no_such_tool');
    expect(structured(unknown).error.code).toBe('exec_tool_not_found');
    const bad = await call('file_read', { path: 5 });
    expect(bad.isError).toBe(true);
    expect(structured(bad).error.code).toBe('invalid_body');
  });

  it('a destructive call answers pending with the approval and link; once another owner approves, the status tool gives the result', async () => {
    writeFileSync(join(agent.fileRoot, 'doomed.txt'), 'x');
    const r = await call('file_delete', { path: 'doomed.txt' });
    const s = structured(r);
    expect(s.status).toBe('pending_approval');
    expect(s.approval_id).toMatch(/^apr_/);
    expect(s.approval_url).toBe(`${server.baseUrl}/ops/approvals/${s.approval_id}`);
    expect(text(r)).toContain(s.approval_id);
    expect(text(r)).toContain('xem_execution_status');
    const ok = await otherOwner('POST', `/${projectId}/v1/exec/approvals/${s.approval_id}/approve`, {
      note: 'ok',
    });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const done = await call('xem_execution_status', { execution_id: s.execution_id, wait_seconds: 20 });
    expect(structured(done).status, text(done)).toBe('completed');
    expect(done.isError ?? false).toBe(false);
  });

  it('issue 5: the requester who called through MCP cannot approve an irreversible request (403 approver_not_authorized)', async () => {
    mkdirSync(join(agent.fileRoot, 'scratch'), { recursive: true });
    writeFileSync(join(agent.fileRoot, 'scratch', 'a.txt'), 'a');
    const r = await call('directory_purge', { path: 'scratch' });
    const s = structured(r);
    expect(s.status).toBe('pending_approval');
    const approval = await admin<{ requested_by: { user_id: string } }>(
      'GET',
      `/${projectId}/v1/exec/approvals/${s.approval_id}`,
    );
    expect(approval.json.requested_by.user_id).toBe(adminUserId);
    const self = await admin<{ error: { code: string } }>(
      'POST',
      `/${projectId}/v1/exec/approvals/${s.approval_id}/approve`,
      { confirm: 'directory_purge' },
    );
    expect(self.status).toBe(403);
    expect(self.json.error.code).toBe('approver_not_authorized');
    const pending = await call('xem_execution_status', { execution_id: s.execution_id });
    expect(structured(pending).status).toBe('pending_approval');
    const ok = await otherOwner('POST', `/${projectId}/v1/exec/approvals/${s.approval_id}/approve`, {
      confirm: 'directory_purge',
    });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const done = await call('xem_execution_status', { execution_id: s.execution_id, wait_seconds: 20 });
    expect(structured(done).status, text(done)).toBe('completed');
  });

  it('refuses before the MCP layer with the JSON envelope: no key, unknown workspace, wrong scope; GET is 405', async () => {
    const url = `${server.baseUrl}/${projectId}/v1/mcp`;
    const init = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(init),
      });
    const noKey = await post({});
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as Envelope).error.code).toBe('authentication_required');
    const ws = await post({ authorization: `Bearer ${adminKey}`, 'x-xerotier-workspace': 'nope' });
    expect(ws.status).toBe(404);
    expect(((await ws.json()) as Envelope).error).toMatchObject({ code: 'not_found', param: 'workspace' });
    const mgmtOnly = await tokenFor(server, server.adminEmail, server.adminPassword, ['management']);
    const scope = await post({ authorization: `Bearer ${mgmtOnly.key}` });
    expect(scope.status).toBe(403);
    expect(((await scope.json()) as Envelope).error.code).toBe('scope_insufficient');
    const get = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(get.status).toBe(405);
    expect(((await get.json()) as Envelope).error.code).toBe('method_not_allowed');
  });

  it('accepts an inference key, and without the header uses the default workspace', async () => {
    const inference = await tokenFor(server, server.adminEmail, server.adminPassword, ['inference']);
    const c = await mcpClient(inference.key);
    const r = (await c.callTool({ name: 'system_info', arguments: {} })) as CallToolResult;
    expect(r.isError ?? false, text(r)).toBe(false);
    await c.close();
  });
});
