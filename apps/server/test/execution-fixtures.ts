import { sql } from 'kysely';
import { Execution, type ManifestTool, type ResultFrame, type RouterFrame } from '@xem/protocol';
import type { AgentSocket, ChannelRegistry } from '../src/channel/channel-registry';
import { newId } from '../src/ids';
import { ADMIN_EMAIL, bearer, seedApiKey, type TestApp } from './test-app';

/** A tool entry as an agent's manifest row; defaults describe a harmless idempotent tool. */
export function tool(name: string, over: Partial<ManifestTool> = {}): ManifestTool {
  return {
    name,
    description: `${name} tool`,
    risk: 'read',
    domain: 'general',
    timeout_ms: 60_000,
    idempotent: true,
    mcp_visible: true,
    params: { type: 'object', properties: {}, additionalProperties: true },
    bundle: 'test',
    ...over,
  };
}

export async function defaultWorkspace(t: TestApp, projectId = t.projectId): Promise<string> {
  const ws = await t.deps.db
    .selectFrom('workspaces')
    .select('id')
    .where('project_id', '=', projectId)
    .where('is_default', '=', true)
    .executeTakeFirstOrThrow();
  return ws.id;
}

export interface SeedAgentOptions {
  projectId?: string;
  tools?: ManifestTool[];
  /** Workspaces it is bound to (default: the project's default workspace). */
  workspaceIds?: string[];
  status?: 'online' | 'paused' | 'draining' | 'offline' | 'revoked';
  maxConcurrency?: number;
}

/** An agent row straight in the database: online on a live lease, its tools and bindings. */
export async function seedExecAgent(t: TestApp, opts: SeedAgentOptions = {}): Promise<string> {
  const projectId = opts.projectId ?? t.projectId;
  const id = newId('agt');
  const name = `agent-${id.slice(4, 14)}`;
  await t.deps.db
    .insertInto('agents')
    .values({
      id,
      project_id: projectId,
      registration_name: name,
      hostname: `${name}.example.test`,
      version: '0.1.0',
      region: 'test',
      description: '',
      public_key: 'test-key',
      join_key_id: null,
      status: opts.status ?? 'online',
      status_reason: null,
      max_concurrency: opts.maxConcurrency ?? 20,
      manifest: JSON.stringify({ tools: opts.tools ?? [] }),
      manifest_hash: null,
      manifest_version: 1,
      connected_to: t.deps.instanceId,
      last_heartbeat_at: sql<Date>`now()`,
      lease_expires_at: sql<Date>`now() + interval '1 hour'`,
      revoked_at: null,
    })
    .execute();
  for (const tl of opts.tools ?? []) {
    await t.deps.db
      .insertInto('agent_tools')
      .values({ ...tl, agent_id: id, params: JSON.stringify(tl.params) })
      .execute();
  }
  for (const ws of opts.workspaceIds ?? [await defaultWorkspace(t, projectId)]) {
    await t.deps.db
      .insertInto('workspace_agents')
      .values({ workspace_id: ws, agent_id: id, paused_at: null, pause_reason: null })
      .execute();
  }
  return id;
}

/** A socket that records what the router sends; `open = false` makes every send fail. */
export class FakeSocket implements AgentSocket {
  readonly frames: RouterFrame[] = [];
  open = true;
  constructor(
    readonly agentId: string,
    readonly projectId: string,
  ) {}
  send(frame: RouterFrame): boolean {
    if (!this.open) return false;
    this.frames.push(frame);
    return true;
  }
  close(): void {
    this.open = false;
  }
  of<T extends RouterFrame['type']>(type: T): Extract<RouterFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<RouterFrame, { type: T }> => f.type === type);
  }
}

export function connectFake(registry: ChannelRegistry, agentId: string, projectId: string): FakeSocket {
  const s = new FakeSocket(agentId, projectId);
  registry.add(s);
  return s;
}

/** An API key of the bootstrapped admin in the default project, with every scope. */
export async function adminKey(t: TestApp): Promise<string> {
  const admin = await t.deps.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', ADMIN_EMAIL)
    .executeTakeFirstOrThrow();
  return (await seedApiKey(t, t.projectId, admin.id)).key;
}

export async function executionRow(t: TestApp, id: string) {
  return t.deps.db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Queues `n` executions of a tool through the API (queue: true), returning their ids in order. */
export async function queueExecutions(
  t: TestApp,
  key: string,
  toolName: string,
  n = 1,
  workspace = 'default',
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions`,
      headers: bearer(key),
      payload: { workspace, tool: toolName, args: { i }, queue: true },
    });
    if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode}: ${res.body}`);
    ids.push(Execution.parse(res.json()).id);
  }
  return ids;
}

/** An online agent with `tools`, connected to this process through a recording socket. */
export async function connectedAgent(
  t: TestApp,
  tools: string[],
  opts: SeedAgentOptions = {},
): Promise<{ id: string; socket: FakeSocket }> {
  const id = await seedExecAgent(t, { tools: tools.map((n) => tool(n)), ...opts });
  return { id, socket: connectFake(t.deps.registry, id, t.projectId) };
}

export function resultFrame(id: string, attempt: number, over: Partial<ResultFrame> = {}): ResultFrame {
  return {
    type: 'result',
    execution_id: id,
    attempt,
    outcome: 'completed',
    exit_code: 0,
    stdout: 'out',
    stderr: '',
    truncated: false,
    duration_ms: 5,
    ...over,
  };
}
