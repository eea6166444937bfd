import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { Manifest, RouterFrame } from '@xem/protocol';
import { canonicalJson } from '../src/audit/canonical-json';
import { newId, randomToken, sha256Hex } from '../src/ids';
import type { TestApp } from './test-app';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Polls `check` until it returns a truthy value (which it returns) or the time is up. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SeededAgent {
  agentId: string;
  credentialId: string;
  token: string;
}

/**
 * An enrolled agent written straight into the database (bound to the project's default
 * workspace) with a live `xac_` credential, so channel tests do not depend on enrollment.
 */
export async function seedAgent(
  t: TestApp,
  opts: { projectId?: string; status?: 'online' | 'paused' | 'draining' | 'offline' | 'revoked' } = {},
): Promise<SeededAgent> {
  const projectId = opts.projectId ?? t.projectId;
  const agentId = newId('agt');
  const token = `xac_${randomToken(43, BASE62)}`;
  const credentialId = newId('acr');
  await t.deps.db
    .insertInto('agents')
    .values({
      id: agentId,
      project_id: projectId,
      registration_name: `agent-${randomToken(8)}`,
      hostname: 'test-host',
      version: '0.0.0-test',
      region: 'test',
      description: '',
      max_concurrency: 20,
      manifest_version: 0,
      public_key: randomToken(43, BASE62),
      status: opts.status ?? 'offline',
      // A paused agent is one an operator paused: the pause lives in paused_at.
      ...(opts.status === 'paused' ? { paused_at: new Date(), pause_reason: 'seeded paused' } : {}),
    })
    .execute();
  await t.deps.db
    .insertInto('agent_credentials')
    .values({
      id: credentialId,
      agent_id: agentId,
      token_hash: sha256Hex(token),
      expires_at: new Date(Date.now() + 3_600_000),
    })
    .execute();
  const ws = await t.deps.db
    .selectFrom('workspaces')
    .select('id')
    .where('project_id', '=', projectId)
    .where('is_default', '=', true)
    .executeTakeFirst();
  if (ws) {
    await t.deps.db
      .insertInto('workspace_agents')
      .values({ workspace_id: ws.id, agent_id: agentId })
      .execute();
  }
  return { agentId, credentialId, token };
}

/** SHA-256 of the manifest's canonical JSON, as the agent publishes it. */
export function manifestHash(manifest: Manifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

export interface FakeAgent {
  ws: WebSocket;
  /** Every frame received, in order. */
  frames: RouterFrame[];
  /** The next frame of a type not yet taken by an earlier call. */
  next<T extends RouterFrame['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<RouterFrame, { type: T }>>;
  send(frame: unknown): void;
  sendRaw(text: string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function agentUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/v1/agent/connect`;
}

/** Opens the agent channel; resolves once the upgrade succeeded. */
export async function connectAgent(baseUrl: string, token: string): Promise<FakeAgent> {
  const ws = new WebSocket(agentUrl(baseUrl), { headers: { authorization: `Bearer ${token}` } });
  const frames: RouterFrame[] = [];
  const taken = new Set<number>();
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as RouterFrame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    ws,
    frames,
    closed,
    next: async (type, timeoutMs = 10_000) => {
      const i = await waitFor(
        () => {
          const idx = frames.findIndex((f, n) => f.type === type && !taken.has(n));
          return idx >= 0 ? idx + 1 : 0;
        },
        `a ${type} frame`,
        timeoutMs,
      );
      taken.add(i - 1);
      return frames[i - 1] as never;
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (text) => ws.send(text),
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close(1000, 'test done');
      await closed;
    },
  };
}

/** Tries to open the channel and returns the HTTP refusal (status and JSON body). */
export async function refusedUpgrade(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { error: { code: string } } }> {
  const ws = new WebSocket(agentUrl(baseUrl), { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.once('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error: { code: string } } });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
        ws.terminate();
      });
    });
  });
}
