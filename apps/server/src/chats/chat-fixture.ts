import { expect } from 'vitest';
import { startServer, type StartedServer } from '../../../../test-support/start-server';
import {
  apiAs,
  changeInitialPassword,
  startRealAgent,
  tokenFor,
  waitAgentOnline,
  type RealAgent,
} from '../../test/mcp-fleet';

export type Api = ReturnType<typeof apiAs>;

/** A real server (optionally with a model), a real agent with the core bundle, and two owners' keys. */
export interface ChatFleet {
  server: StartedServer;
  agent: RealAgent;
  projectId: string;
  adminUserId: string;
  /** The admin (owner): drives chats. */
  admin: Api;
  adminKey: string;
  /** A second owner: decides what the admin may not. */
  otherOwner: Api;
  stop(): Promise<void>;
}

export async function startChatFleet(env: Record<string, string>): Promise<ChatFleet> {
  const server = await startServer({
    env: {
      // A lease of 3 s: short renewals lapse on a loaded machine, and a lapsed agent answers 503.
      XEM_LEASE_RENEWAL_INTERVAL_MS: '1000',
      XEM_DISPATCH_POLL_INTERVAL_MS: '100',
      XEM_LOCAL_AGENT: 'false',
      ...env,
    },
  });
  const token = await tokenFor(server, server.adminEmail, server.adminPassword, [
    'execution',
    'management',
    'inference',
  ]);
  const projectId = token.project_id;
  const admin = apiAs(server, token.key);
  const adminUserId = (await admin<{ user: { id: string } }>('GET', '/v1/auth/whoami')).json.user.id;
  const email = 'chat-second-owner@example.test';
  const added = await admin('POST', `/${projectId}/v1/management/project/members`, {
    email,
    role: 'owner',
    initial_password: 'initial-password-1',
  });
  expect(added.status, JSON.stringify(added.json)).toBe(201);
  await changeInitialPassword(server, email, 'initial-password-1', 'second-owner-password-1');
  const other = await tokenFor(server, email, 'second-owner-password-1', ['inference', 'execution']);
  const jk = await admin<{ key: string }>('POST', `/${projectId}/v1/management/join-keys`, { name: 'chat' });
  const agent = startRealAgent(server, jk.json.key, 'chat-agent');
  await waitAgentOnline(admin, projectId, 'chat-agent', agent);
  return {
    server,
    agent,
    projectId,
    adminUserId,
    admin,
    adminKey: token.key,
    otherOwner: apiAs(server, other.key),
    stop: async () => {
      await agent.stop();
      await server.stop();
    },
  };
}

/** Polls `read` until `done` holds (or fails the test after 60 s with the last value: CI machines are busy). */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SseFrame {
  id: string | null;
  event: string | null;
  data: string;
}

/** Parses a whole SSE body into frames (comments dropped). */
export function parseSse(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const f: SseFrame = { id: null, event: null, data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'id') f.id = value;
      else if (field === 'event') f.event = value;
      else if (field === 'data') {
        f.data = hasData ? `${f.data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) frames.push(f);
  }
  return frames;
}
