import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type StartedServer } from '../../../test-support/start-server';
import { AGENT_JS } from '../../../test-support/test-bins';

/** A small HTTP client for the real server as one API key. */
export function apiAs(server: StartedServer, key: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  };
}

/** Mints a key from e-mail and password (`POST /v1/auth/token`). */
export async function tokenFor(
  server: StartedServer,
  email: string,
  password: string,
  scopes: string[],
): Promise<{ key: string; project_id: string }> {
  const res = await fetch(`${server.baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: `mcp-${scopes.join('-')}`, scopes }),
  });
  const body = (await res.json()) as { key: string; project_id: string };
  if (res.status >= 300) throw new Error(`token for ${email}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Signs in with the initial password and sets `newPassword`, as a new user must before using keys. */
export async function changeInitialPassword(
  server: StartedServer,
  email: string,
  initial: string,
  newPassword: string,
): Promise<void> {
  const origin = { origin: server.baseUrl, 'content-type': 'application/json' };
  const login = await fetch(`${server.baseUrl}/ops/login`, {
    method: 'POST',
    headers: origin,
    body: JSON.stringify({ email, password: initial }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const session = (await (await fetch(`${server.baseUrl}/ops/session`, { headers: { cookie } })).json()) as {
    csrf_token: string;
  };
  const res = await fetch(`${server.baseUrl}/ops/password`, {
    method: 'POST',
    headers: { ...origin, cookie, 'x-csrf-token': session.csrf_token },
    body: JSON.stringify({ current_password: initial, new_password: newPassword }),
  });
  if (res.status >= 300) throw new Error(`password change for ${email}: ${res.status} ${await res.text()}`);
}

export interface RealAgent {
  fileRoot: string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * The real `xem-agent` with the core bundle and a test bundle holding `hidden_echo`, a read tool
 * that is not MCP-visible.
 */
export function startRealAgent(server: StartedServer, joinKey: string, name: string): RealAgent {
  const dir = mkdtempSync(join(tmpdir(), 'xem-mcp-agent-'));
  const tools = join(dir, 'tools');
  mkdirSync(join(tools, 'mcp-test'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'bundles', 'core'), join(tools, 'core'));
  writeFileSync(
    join(tools, 'mcp-test', 'manifest.json'),
    JSON.stringify({
      tools: [
        {
          name: 'hidden_echo',
          description: 'echo, not for MCP clients',
          risk: 'read',
          timeout_ms: 5000,
          idempotent: true,
          mcp_visible: false,
          params: { type: 'object', properties: {}, additionalProperties: false },
          command: ['node', '-e', 'process.stdout.write("hidden")'],
        },
      ],
    }),
  );
  const fileRoot = join(dir, 'files');
  mkdirSync(fileRoot, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('XEM_')) env[k] = v;
  const child: ChildProcess = spawn(process.execPath, [AGENT_JS], {
    env: {
      ...env,
      XEM_ROUTER_URL: server.baseUrl,
      XEM_REGISTRATION_NAME: name,
      XEM_JOIN_KEY: joinKey,
      XEM_STATE_DIR: join(dir, 'state'),
      XEM_TOOLS_DIR: tools,
      XEM_FILE_ROOT: fileRoot,
      XEM_LEASE_RENEWAL_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return {
    fileRoot,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the agent is online on a live lease with its manifest stored (calls dispatch at once). */
export async function waitAgentOnline(
  api: ReturnType<typeof apiAs>,
  projectId: string,
  name: string,
  agent: RealAgent,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const agents = await api<{ data: { registration_name: string; status: string; tool_count: number }[] }>(
      'GET',
      `/${projectId}/v1/management/agents`,
    );
    const a = agents.json.data.find((x) => x.registration_name === name);
    if (a?.status === 'online' && a.tool_count > 0) return;
    if (Date.now() > deadline) throw new Error(`agent ${name} did not come online:\n${agent.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
