import { XemClient } from '@xem/client';
import type { LevelPolicy } from '@xem/protocol';
import { vi } from 'vitest';
import type { StartedServer } from '../../../test-support/start-server';

/** An API client of `email` on the server's default project (key minted from the password). */
export async function clientAs(
  server: StartedServer,
  email: string,
  password: string,
  scopes: Array<'execution' | 'management'> = ['execution', 'management'],
): Promise<XemClient> {
  const minted = await new XemClient({ baseUrl: server.baseUrl }).createToken({ email, password, scopes });
  return new XemClient({ baseUrl: server.baseUrl, apiKey: minted.key, projectId: minted.project_id });
}

/** Adds `email` as a member through an invitation, accepted with `password`. */
export async function inviteMember(
  server: StartedServer,
  owner: XemClient,
  email: string,
  password: string,
): Promise<void> {
  const added = await owner.addMember({ email, role: 'member' });
  const token = new URL(added.invite_url!).searchParams.get('token');
  const res = await fetch(`${server.baseUrl}/ops/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  if (res.status !== 200) throw new Error(`accept invitation: ${res.status} ${await res.text()}`);
}

/** Waits until the local agent has published `tool`. */
export async function waitForTool(client: XemClient, tool: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const tools = await client.listTools({ limit: 500 });
      if (!tools.data.some((t) => t.name === tool))
        throw new Error(`the local agent has not published ${tool} yet`);
    },
    { timeout: 30_000, interval: 250 },
  );
}

/** The id of the project's default workspace. */
export async function defaultWorkspaceId(client: XemClient): Promise<string> {
  const ws = await client.listWorkspaces({ limit: 500 });
  return ws.data.find((w) => w.is_default)!.id;
}

/** A level that needs one owner's approval (self-approval forbidden). */
export function ownerLevel(over: Partial<LevelPolicy> = {}): LevelPolicy {
  return {
    requires_approval: true,
    timeout_seconds: 3600,
    on_timeout: 'reject',
    self_approval: 'forbidden',
    escalation: [{ approvers: ['role:owner'], required_approvals: 1 }],
    ...over,
  };
}

/** Waits for an execution to reach `status` (read through the API). */
export async function waitForStatus(client: XemClient, executionId: string, status: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const e = await client.getExecution(executionId);
      if (e.status !== status) throw new Error(`execution ${executionId} is ${e.status}, not ${status}`);
    },
    { timeout: 30_000, interval: 250 },
  );
}
