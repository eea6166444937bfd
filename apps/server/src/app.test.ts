import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  expectError,
  login,
  registeredRoutes,
  type Browser,
  type TestApp,
} from '../test/test-app';

const BODY_LIMIT = 2048;

let t: TestApp;
let admin: Browser;
let key: string;
let routes: string[];

beforeAll(async () => {
  t = await createTestApp({
    XEM_BODY_LIMIT_BYTES: String(BODY_LIMIT),
    // Turns the one-time approval link routes on, so their bodies are checked like the others.
    XEROTIER_APPROVAL_LINK_SECRET: 'a'.repeat(32),
  });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  key = await createKeyAs(t.app, admin);
  routes = registeredRoutes(t.app);
});
afterAll(() => t.close());

/**
 * For each route that takes a JSON body: a body with a wrong type and the field it names.
 * Checked against the OpenAPI document, so a new body route must be added here.
 */
const WRONG_TYPES: Record<string, { body: object; param: string }> = {
  'POST /v1/auth/token': { body: { email: 5, password: 'x' }, param: 'email' },
  'POST /ops/login': { body: { email: 'a@example.test', password: 5 }, param: 'password' },
  'POST /ops/session/project': { body: { project_id: 5 }, param: 'project_id' },
  'POST /ops/password': { body: { current_password: 'x', new_password: 5 }, param: 'new_password' },
  'POST /ops/invitations/accept': { body: { token: 5, password: 'long-enough-1' }, param: 'token' },
  'POST /ops/api/keys': { body: { name: 5, scopes: ['execution'] }, param: 'name' },
  'POST /ops/api/keys/:key_id/rotate': { body: { grace_period_hours: '1' }, param: 'grace_period_hours' },
  'POST /ops/api/members': { body: { email: 'a@example.test', role: 5 }, param: 'role' },
  'PATCH /ops/api/members/:user_id': { body: { role: 5 }, param: 'role' },
  'POST /ops/api/delegations': { body: { user_id: 'usr_x', tier: 5 }, param: 'tier' },
  'POST /:project_id/v1/management/keys': { body: { name: 'k', scopes: [5] }, param: 'scopes.0' },
  'POST /:project_id/v1/exec/executions': { body: { workspace: 5, tool: 'echo' }, param: 'workspace' },
  'POST /:project_id/v1/management/keys/:key_id/rotate': {
    body: { grace_period_hours: -1 },
    param: 'grace_period_hours',
  },
  'POST /:project_id/v1/management/project/members': { body: { email: 5 }, param: 'email' },
  'PATCH /:project_id/v1/management/project/members/:user_id': { body: { role: 'admin' }, param: 'role' },
  'POST /:project_id/v1/management/project/delegations': {
    body: { user_id: 'usr_x', tier: 'write' },
    param: 'tier',
  },
  'POST /ops/api/workspaces': { body: { name: 5 }, param: 'name' },
  'PATCH /ops/api/workspaces/:workspace_id': { body: { description: 5 }, param: 'description' },
  'POST /ops/api/workspaces/:workspace_id/pause': { body: { reason: 5 }, param: 'reason' },
  'POST /ops/api/workspaces/:workspace_id/agents': { body: { agent_id: 5 }, param: 'agent_id' },
  'POST /ops/api/join-keys': { body: { max_uses: '1' }, param: 'max_uses' },
  'PATCH /ops/api/agents/:agent_id': { body: { description: 5 }, param: 'description' },
  'POST /ops/api/agents/:agent_id/pause-exec': { body: { reason: 5 }, param: 'reason' },
  'POST /ops/api/agents/:agent_id/resume-exec': { body: { workspace_id: 5 }, param: 'workspace_id' },
  'POST /:project_id/v1/management/workspaces': { body: { name: 5 }, param: 'name' },
  'PATCH /:project_id/v1/management/workspaces/:workspace_id': {
    body: { description: 5 },
    param: 'description',
  },
  'POST /:project_id/v1/management/workspaces/:workspace_id/pause': { body: { reason: 5 }, param: 'reason' },
  'POST /:project_id/v1/management/workspaces/:workspace_id/agents': {
    body: { agent_id: 5 },
    param: 'agent_id',
  },
  'POST /:project_id/v1/management/join-keys': { body: { max_uses: '1' }, param: 'max_uses' },
  'PATCH /:project_id/v1/management/agents/:agent_id': { body: { description: 5 }, param: 'description' },
  'POST /:project_id/v1/management/agents/:agent_id/pause-exec': { body: { reason: 5 }, param: 'reason' },
  'POST /:project_id/v1/management/agents/:agent_id/resume-exec': {
    body: { workspace_id: 5 },
    param: 'workspace_id',
  },
  'POST /ops/api/webhooks': { body: { url: 5, events: ['exec.completed'] }, param: 'url' },
  'PATCH /ops/api/webhooks/:webhook_id': { body: { enabled: 'yes' }, param: 'enabled' },
  'POST /:project_id/v1/management/webhooks': {
    body: { url: 'https://hooks.example.test', events: 'exec.completed' },
    param: 'events',
  },
  'PATCH /:project_id/v1/management/webhooks/:webhook_id': {
    body: { metadata: { a: 5 } },
    param: 'metadata.a',
  },
  'POST /ops/api/discovery/:candidate_id/accept': { body: { reason: 5 }, param: 'reason' },
  'POST /ops/api/discovery/:candidate_id/reject': { body: { reason: 5 }, param: 'reason' },
  'POST /:project_id/v1/management/discovery/:candidate_id/accept': { body: { reason: [] }, param: 'reason' },
  'POST /:project_id/v1/management/discovery/:candidate_id/reject': { body: {}, param: 'reason' },
  'POST /ops/api/templates': { body: { name: 'x', allowed_tools: [5] }, param: 'allowed_tools.0' },
  'PUT /ops/api/templates/:template_id': { body: { approval_policy: 5 }, param: 'approval_policy' },
  'POST /ops/api/templates/:template_id/promote': { body: { scope: 5 }, param: 'scope' },
  'POST /:project_id/v1/management/templates': { body: { name: 5 }, param: 'name' },
  'POST /:project_id/v1/chats': { body: { workspace: 5 }, param: 'workspace' },
  'POST /:project_id/v1/chats/:chat_id/messages': { body: { content: 5 }, param: 'content' },
  'POST /:project_id/v1/chats/:chat_id/tool-calls': { body: { tool: 5 }, param: 'tool' },
  'POST /:project_id/v1/chats/:chat_id/answer': {
    body: { approval_id: 'apr_x', decision: 'maybe' },
    param: 'decision',
  },
  'POST /:project_id/v1/workspaces/:workspace_id/chat-templates/:template_id/apply': {
    body: { title: 5 },
    param: 'title',
  },
  'POST /ops/api/chats': { body: { workspace: 'default', template: 5 }, param: 'template' },
  'POST /ops/api/chats/:chat_id/messages': { body: { content: [] }, param: 'content' },
  'POST /ops/api/chats/:chat_id/tool-calls': { body: { tool: 'file_read', args: 5 }, param: 'args' },
  'POST /ops/api/chats/:chat_id/answer': {
    body: { approval_id: 5, decision: 'approve' },
    param: 'approval_id',
  },
  'POST /ops/api/workspaces/:workspace_id/chat-templates/:template_id/apply': {
    body: { message: 5 },
    param: 'message',
  },
  'POST /:project_id/v1/chat-templates': { body: { name: 5 }, param: 'name' },
  'PUT /:project_id/v1/chat-templates/:template_id': { body: { tags: 'a' }, param: 'tags' },
  'POST /:project_id/v1/chat-templates/:template_id/promote': {
    body: { scope: 'workspace' },
    param: 'scope',
  },
  'PUT /:project_id/v1/management/templates/:template_id': { body: { tags: 'a' }, param: 'tags' },
  'POST /:project_id/v1/management/templates/:template_id/promote': {
    body: { scope: 'workspace' },
    param: 'scope',
  },
  'POST /ops/api/executions': { body: { workspace: 5, tool: 'echo' }, param: 'workspace' },
  'POST /ops/api/approvals/:approval_id/approve': { body: { note: 5 }, param: 'note' },
  'POST /ops/api/approvals/:approval_id/reject': { body: { reason: 5 }, param: 'reason' },
  'POST /:project_id/v1/exec/approvals/:approval_id/approve': { body: { confirm: 5 }, param: 'confirm' },
  'POST /:project_id/v1/exec/approvals/:approval_id/reject': { body: { reason: [] }, param: 'reason' },
  'POST /ops/approval/:approval_id': { body: { token: 5, decision: 'approve' }, param: 'token' },
  'PUT /ops/api/workspaces/:workspace_id/approval-policy': { body: { levels: 5 }, param: 'levels' },
  'PUT /:project_id/v1/management/workspaces/:workspace_id/approval-policy': {
    body: { levels: { read: { requires_approval: 'yes' } } },
    param: 'levels.read.requires_approval',
  },
  'POST /v1/enroll': { body: { join_key: 5 }, param: 'join_key' },
  'POST /v1/enroll/challenge': { body: { agent_id: 5 }, param: 'agent_id' },
  'POST /v1/enroll/refresh': { body: { agent_id: 5, challenge: 'c', signature: 's' }, param: 'agent_id' },
};

/** A request to `route` that passes authentication (session + CSRF, or key) and routing. */
function requestTo(route: string, extra: Partial<InjectOptions>): InjectOptions {
  const [method, path] = route.split(' ') as [InjectOptions['method'], string];
  const url = path
    .replace(':project_id', t.projectId)
    .replace(':key_id', 'key_00000000000000000000')
    .replace(':user_id', 'usr_00000000000000000000')
    .replace(':invitation_id', 'inv_00000000000000000000');
  const auth = path.startsWith('/ops/')
    ? { cookie: admin.cookie, 'x-csrf-token': admin.csrf }
    : path.startsWith('/:project_id/')
      ? bearer(key)
      : {};
  return { method, url, ...extra, headers: { ...auth, ...(extra.headers as object) } };
}

function expectNo5xx(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
}

/** Routes that also take `application/x-www-form-urlencoded` (link pages' HTML forms). */
const FORM_ROUTES = ['POST /ops/invitations/accept/form', 'POST /ops/approval/:approval_id'];

const bodyRoutes = () => routes.filter((r) => /^(POST|PUT|PATCH|DELETE) /.test(r));
const json = { 'content-type': 'application/json' };

describe('the error envelope on every route that takes a body', () => {
  it('there are body routes to check, and WRONG_TYPES covers each one the OpenAPI document gives a body', () => {
    expect(bodyRoutes().length).toBeGreaterThanOrEqual(20);
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const withBody: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.requestBody) withBody.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
    // The invitation form takes a form body, checked in members/invitation-page.test.ts.
    const jsonBodies = withBody.filter((r) => r !== 'POST /ops/invitations/accept/form');
    expect(jsonBodies.sort()).toEqual(Object.keys(WRONG_TYPES).sort());
  });

  it('malformed JSON → 400 invalid_json', async () => {
    for (const route of bodyRoutes()) {
      for (const payload of ['{"name":', '{name: 1}', "{'a': 1}", '[1,]']) {
        const res = await t.app.inject(requestTo(route, { headers: json, payload }));
        expectNo5xx(res, route);
        expectError(res, 400, 'invalid_json');
      }
    }
  });

  it('an empty body declared as JSON → 400 invalid_json', async () => {
    for (const route of bodyRoutes()) {
      expectError(await t.app.inject(requestTo(route, { headers: json, payload: '' })), 400, 'invalid_json');
    }
  });

  it('__proto__ or constructor.prototype keys → 400 invalid_json, never 500', async () => {
    for (const route of bodyRoutes()) {
      for (const payload of [
        '{"__proto__": {"isAdmin": true}}',
        '{"constructor": {"prototype": {"isAdmin": true}}}',
      ]) {
        const res = await t.app.inject(requestTo(route, { headers: json, payload }));
        expectNo5xx(res, route);
        expectError(res, 400, 'invalid_json');
      }
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it(`a body over XEM_BODY_LIMIT_BYTES (${BODY_LIMIT}) → 413 payload_too_large, with or without Content-Length`, async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) });
    for (const route of bodyRoutes()) {
      const res = await t.app.inject(requestTo(route, { headers: json, payload: big }));
      expectError(res, 413, 'payload_too_large');
      const chunked = await t.app.inject(
        requestTo(route, { headers: { ...json, 'transfer-encoding': 'chunked' }, payload: big }),
      );
      expectError(chunked, 413, 'payload_too_large');
    }
    // Just under the limit is parsed (and then judged on its content).
    const fits = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT - 100), scopes: ['execution'] });
    const res = await t.app.inject(requestTo('POST /ops/api/keys', { headers: json, payload: fits }));
    expect(expectError(res, 400, 'invalid_body').error.param).toBe('name');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const types = [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ];
    for (const route of bodyRoutes()) {
      for (const type of types) {
        // The invitation and approval link forms are the routes that take a form body (HTML forms).
        if (FORM_ROUTES.includes(route) && type === 'application/x-www-form-urlencoded') continue;
        const res = await t.app.inject(
          requestTo(route, { headers: { 'content-type': type }, payload: '{"a":1}' }),
        );
        expectNo5xx(res, `${route} ${type}`);
        expectError(res, 415, 'unsupported_media_type');
      }
      const untyped = await t.app.inject(requestTo(route, { body: '{"a":1}' }));
      expectError(untyped, 415, 'unsupported_media_type');
    }
  });

  it('a field of the wrong type → 400 invalid_body naming the field', async () => {
    for (const [route, wrong] of Object.entries(WRONG_TYPES)) {
      const res = await t.app.inject(requestTo(route, { payload: wrong.body }));
      expect(expectError(res, 400, 'invalid_body').error.param, route).toBe(wrong.param);
    }
  });

  it('a body that is not an object → 400 invalid_body', async () => {
    for (const route of Object.keys(WRONG_TYPES)) {
      // Rotation, resume-exec and discovery accept take an optional body, and a missing body reaches the validator as null.
      const optional =
        route.endsWith('/rotate') || route.endsWith('/resume-exec') || /\/discovery\/.*\/accept$/.test(route);
      const payloads = optional ? ['[]', '"text"', '42'] : ['[]', '"text"', '42', 'null'];
      for (const payload of payloads) {
        const res = await t.app.inject(requestTo(route, { headers: json, payload }));
        expectError(res, 400, 'invalid_body');
      }
    }
  });
});

describe('routing and health', () => {
  it('an unknown route or method → 404 not_found, even under authenticated prefixes', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/v1/nope'],
      ['GET', '/ops/api/nope'],
      ['GET', `/${t.projectId}/v1/management/nope`],
      ['PUT', '/ops/api/keys'],
      ['PUT', `/${t.projectId}/v1/management/keys`],
      ['DELETE', '/healthz'],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect(expectError(res, 404, 'not_found').error.message).toContain(url);
    }
  });

  it('GET /healthz and GET /readyz answer 200', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('GET /v1/openapi.json is an OpenAPI 3.1 document listing every API route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // The dashboard's page routes serve the single-page app's HTML, and /ops/page.css the look of
    // the server-rendered pages; they are not API routes.
    const pages = new Set(['GET /v1/openapi.json', 'GET /ops', 'GET /ops*', 'GET /ops/page.css']);
    const expected = routes.filter(
      (r) => !r.startsWith('HEAD ') && !pages.has(r) && !r.startsWith('GET /ops/assets'),
    );
    expect(documented.sort()).toEqual(expected.sort());
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/{project_id}/v1/management/keys',
        '/{project_id}/v1/management/keys/{key_id}/rotate',
        '/{project_id}/v1/management/project/members',
        '/{project_id}/v1/management/project/members/{user_id}',
        '/{project_id}/v1/management/project/invitations',
        '/{project_id}/v1/management/audit',
        '/{project_id}/v1/management/audit/verify',
      ]),
    );
  });
});

describe('response headers', () => {
  const probes: Array<[string, () => Promise<LightMyRequestResponse>]> = [
    ['a page-like success', () => t.app.inject({ method: 'GET', url: '/healthz' })],
    ['an error', () => t.app.inject({ method: 'GET', url: '/nope' })],
    [
      'an authenticated API answer',
      () => t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(key) }),
    ],
    ['a refused request', () => t.app.inject({ method: 'GET', url: '/ops/session' })],
  ];

  it.each(probes)('security headers on %s', async (_what, probe) => {
    const res = await probe();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-request-id']).toMatch(/^req_[a-z0-9]{20}$/);
  });

  it('keeps a sane X-Request-ID from the caller and replaces an unsafe one', async () => {
    const kept = await t.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { 'x-request-id': 'abc-123.x:y' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123.x:y');
    for (const bad of ['has space', 'x'.repeat(65), 'semi;colon', '<script>']) {
      const res = await t.app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(/^req_[a-z0-9]{20}$/);
    }
  });

  it('answers a malformed percent-encoding or an over-long path segment with the envelope', async () => {
    const bad = await t.app.inject({ method: 'GET', url: `/${t.projectId}/v1/management/keys/%E0%A4%A` });
    expectError(bad, 400, 'invalid_query');
    const long = await t.app.inject({
      method: 'DELETE',
      url: `/${t.projectId}/v1/management/keys/${'k'.repeat(300)}`,
    });
    expectError(long, 414, 'invalid_query');
  });
});
