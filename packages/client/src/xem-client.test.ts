import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XemApiError, XemClient, XemConnectionError } from './index';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; body: string; headers?: Record<string, string> };

const apiKey = {
  id: 'key_1',
  name: 'ci',
  prefix: 'xero_default_abcdefgh',
  scopes: ['execution'],
  created_by: 'usr_1',
  created_at: '2026-01-01T00:00:00.000Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: '2026-01-02T00:00:00.000Z',
  rotated_to: null,
  active: false,
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
      res.writeHead(reply.status, { 'x-request-id': 'req_test', ...reply.headers });
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

const client = () =>
  new XemClient({
    baseUrl: `${baseUrl}/`,
    apiKey: 'xero_default_k',
    projectId: 'proj 1',
    userAgent: 'xeroctl/9.9.9',
  });

describe('XemClient requests', () => {
  it('sends key and user agent, and no Content-Type on a request without a body', async () => {
    reply = { status: 200, body: JSON.stringify(apiKey) };
    const revoked = await client().revokeKey('key_1');
    expect(revoked.revoked_at).toBe(apiKey.revoked_at);
    const req = seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/proj%201/v1/management/keys/key_1/revoke');
    expect(req.headers.authorization).toBe('Bearer xero_default_k');
    expect(req.headers['user-agent']).toBe('xeroctl/9.9.9');
    expect(req.headers['content-type']).toBeUndefined();
    expect(req.body).toBe('');
  });

  it('sends JSON with a Content-Type when there is a body', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        user_id: 'usr_2',
        email: 'b@x.test',
        name: 'B',
        role: 'owner',
        joined_at: 'now',
      }),
    };
    const member = await client().setMemberRole('usr_2', 'owner');
    expect(member.role).toBe('owner');
    expect(seen[0]!.method).toBe('PATCH');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ role: 'owner' });
  });

  it('puts only the given audit filters in the query string', async () => {
    reply = { status: 200, body: JSON.stringify({ data: [], next_cursor: null }) };
    await client().listAudit({ limit: 5, action: 'member.add', cursor: undefined });
    expect(seen[0]!.url).toBe('/proj%201/v1/management/audit?limit=5&action=member.add');
  });

  it('lists, grants and revokes delegations on the project routes', async () => {
    const delegation = {
      id: 'dlg_1',
      user_id: 'usr_2',
      email: 'b@x.test',
      tier: 'irreversible',
      expires_at: null,
      granted_by: 'usr_1',
      created_at: '2026-01-01T00:00:00.000Z',
      revoked_at: null,
      revoked_by: null,
      active: true,
    };
    reply = { status: 200, body: JSON.stringify({ data: [delegation], next_cursor: null }) };
    await client().listDelegations({ active: true, tier: 'irreversible', cursor: undefined });
    expect(seen[0]!.url).toBe('/proj%201/v1/management/project/delegations?tier=irreversible&active=true');
    await client().listDelegations({ active: false });
    expect(seen[1]!.url).toBe('/proj%201/v1/management/project/delegations?active=false');

    reply = { status: 201, body: JSON.stringify(delegation) };
    const granted = await client().grantDelegation({ user_id: 'usr_2', tier: 'irreversible' });
    expect(granted.id).toBe('dlg_1');
    expect(seen[2]!.method).toBe('POST');
    expect(JSON.parse(seen[2]!.body)).toEqual({ user_id: 'usr_2', tier: 'irreversible' });

    reply = { status: 200, body: JSON.stringify({ ...delegation, active: false }) };
    expect((await client().revokeDelegation('dlg/1')).active).toBe(false);
    expect(seen[3]!.method).toBe('DELETE');
    expect(seen[3]!.url).toBe('/proj%201/v1/management/project/delegations/dlg%2F1');
  });

  it('refuses a project route when it has no project id', async () => {
    const c = new XemClient({ baseUrl, apiKey: 'k' });
    await expect(c.listKeys()).rejects.toThrow(/project-scoped/);
    expect(seen).toHaveLength(0);
    await c
      .withProject('p')
      .listKeys()
      .catch(() => undefined);
    expect(seen[0]!.url).toBe('/p/v1/management/keys');
  });
});

describe('XemClient errors', () => {
  it('turns the error envelope into an XemApiError with the request id', async () => {
    reply = {
      status: 409,
      body: JSON.stringify({
        error: { message: 'last owner', type: 'conflict_error', code: 'last_owner', param: 'role' },
      }),
    };
    const err = await client()
      .removeMember('usr_1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XemApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'last_owner',
      message: 'last owner',
      param: 'role',
      requestId: 'req_test',
    });
    expect((err as XemApiError).isAuthError).toBe(false);
  });

  it('keeps an error code it does not know yet', async () => {
    reply = {
      status: 418,
      body: JSON.stringify({ error: { message: 'teapot', type: 'x', code: 'brand_new', param: null } }),
    };
    await expect(client().whoami()).rejects.toMatchObject({
      status: 418,
      code: 'brand_new',
      message: 'teapot',
    });
  });

  it('reports a non-JSON error body from something in between', async () => {
    reply = { status: 502, body: '<html>Bad Gateway</html>' };
    await expect(client().whoami()).rejects.toMatchObject({
      status: 502,
      code: 'unexpected_response',
      message: expect.stringContaining('Bad Gateway'),
    });
  });

  it('refuses a success body that does not match the protocol', async () => {
    reply = { status: 200, body: JSON.stringify({ project_id: 'p' }) };
    await expect(client().whoami()).rejects.toMatchObject({
      code: 'unexpected_response',
      message: expect.stringContaining('project_slug'),
    });
  });

  it('flags 401 and 403 as auth errors', async () => {
    reply = {
      status: 401,
      body: JSON.stringify({
        error: { message: 'bad key', type: 'authentication_error', code: 'invalid_api_key', param: null },
      }),
    };
    const err = (await client()
      .whoami()
      .catch((e: unknown) => e)) as XemApiError;
    expect(err.isAuthError).toBe(true);
  });

  it('raises XemConnectionError when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = new XemClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
    const err = await c.whoami().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XemConnectionError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});
