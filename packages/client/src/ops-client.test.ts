import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsClient } from './index';

const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
const session = {
  user: {
    id: 'usr_1',
    email: 'a@example.test',
    name: 'A',
    is_admin: false,
    must_change_password: false,
    created_at: '2026-01-01T00:00:00.000Z',
  },
  projects: [],
  active_project_id: 'prj_1',
  csrf_token: 'csrf-123',
  expires_at: '2026-01-02T00:00:00.000Z',
};
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/ops/session' || req.url === '/ops/login') return res.end(JSON.stringify(session));
    res.end(JSON.stringify({ data: [], next_cursor: null }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('OpsClient (session mode)', () => {
  it('sends the CSRF token of the session on state-changing requests only', async () => {
    const ops = new OpsClient({ baseUrl: base });
    await ops.login({ email: 'a@example.test', password: 'x' });
    expect(seen.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    await ops.api.listAgents();
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/ops/api/agents' });
    expect(seen.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    await ops.api.createJoinKey({ name: 'k' }).catch(() => {});
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/ops/api/join-keys' });
    expect(seen.at(-1)!.headers['x-csrf-token']).toBe('csrf-123');
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('maps every API route to its /ops/api mirror (members and delegations lose /project)', async () => {
    const ops = new OpsClient({ baseUrl: base });
    await ops.api.listMembers();
    expect(seen.at(-1)!.url).toBe('/ops/api/members');
    await ops.api.listDelegations();
    expect(seen.at(-1)!.url).toBe('/ops/api/delegations');
    await ops.api.listExecutions({ status: ['queued'] });
    expect(seen.at(-1)!.url).toBe('/ops/api/executions?status=queued');
    await ops.api.listApprovals();
    expect(seen.at(-1)!.url).toBe('/ops/api/approvals');
    await ops.api.webhooks.list();
    expect(seen.at(-1)!.url).toBe('/ops/api/webhooks');
  });
});
