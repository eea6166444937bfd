import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope } from '@xem/protocol';
import { httpOnce } from '../test/http-once';
import { createTestApp, login, registeredRoutes, type TestApp } from '../test/test-app';
import { buildAuthzWorld, type AuthzWorld } from '../src/authz/authz-world';
import { fuzzSeed, scaled } from './fuzz-scale';
import {
  badContent,
  deepJson,
  hugeStrings,
  paramValue,
  protoKeys,
  queryString,
  wrongTypes,
  type WireBody,
} from './malformed';
import { arbitraryFor, type JsonSchema } from './schema-arbitrary';

interface Operation {
  route: string;
  method: string;
  path: string;
  body?: JsonSchema;
  query: string[];
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  parameters?: { in: string; name: string }[];
}

/** A JSON-RPC 2.0 error response (the MCP transport's refusals). */
const JsonRpcError = z.object({
  jsonrpc: z.literal('2.0'),
  error: z.object({ code: z.number().int(), message: z.string() }),
  id: z.union([z.string(), z.number(), z.null()]),
});

/** Answers that are HTML pages by design (the dashboard shell and the link/invitation pages). */
const PAGES = new Set([
  'GET /ops',
  'GET /ops*',
  'GET /ops/page.css',
  'GET /ops/approval/:approval_id',
  'POST /ops/approval/:approval_id',
  'GET /ops/invitations/accept',
  'POST /ops/invitations/accept/form',
]);
/** Session-ending routes: the fuzz signs in again after them. */
const SESSION_ROUTES = new Set([
  'POST /ops/logout',
  'POST /ops/password',
  'POST /ops/login',
  'POST /ops/session/project',
]);

const RUNS_PER_ROUTE = scaled(60);
const seed = fuzzSeed();

let t: TestApp;
let w: AuthzWorld;
let origin: string;
let operations: Operation[];
const figures = { requests: 0, byKind: new Map<string, number>(), statuses: new Map<number, number>() };
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  t = await createTestApp({ XEROTIER_APPROVAL_LINK_SECRET: 'fuzz-link-secret-0123456789abcdef0123456789' });
  w = await buildAuthzWorld(t);
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const doc = (await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, OpenApiOperation>>;
  }>();
  const documented = new Map<string, OpenApiOperation>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      documented.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op);
    }
  }
  // Every registered route, described by the OpenAPI document where it has a schema.
  operations = [...new Set(registeredRoutes(t.app).filter((r) => !r.startsWith('HEAD ')))].map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    const op = documented.get(route);
    const body = op?.requestBody?.content?.['application/json']?.schema;
    const query = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    return { route, method, path, query, ...(body ? { body } : {}) };
  });
}, 180_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await t.close();
});

/** Real ids for body fields named like them, so valid bodies get past lookups. */
function fieldIds(): Record<string, string[]> {
  const s = w.shared;
  return {
    workspace: ['default', s.workspace_id!],
    workspace_id: [s.workspace_id!],
    tool: ['authz-read', 'authz-risky'],
    agent_id: [s.agent_id!, w.agentId],
    user_id: [s.user_id!],
    approval_id: [s.approval_id!],
    project_id: [w.projectId],
    template: [s.template_id!],
    events: [],
  };
}

type Auth = 'owner' | 'admin' | 'member' | 'none' | 'garbage' | 'no-csrf';

function authHeaders(path: string, auth: Auth): Record<string, string> {
  const who = auth === 'admin' ? 'admin' : auth === 'member' ? 'member' : 'owner';
  const c = w.credentials[who];
  if (auth === 'none') return {};
  if (path.startsWith('/ops')) {
    if (auth === 'garbage') return { cookie: 'xem_session=not-a-session', 'x-csrf-token': 'x' };
    const headers: Record<string, string> = { cookie: c.session!.cookie };
    if (auth !== 'no-csrf') headers['x-csrf-token'] = c.session!.csrf;
    return headers;
  }
  if (auth === 'garbage') return { authorization: `Bearer xero_${'a'.repeat(10)}_${'b'.repeat(43)}` };
  return c.bearer ? { authorization: `Bearer ${c.bearer}` } : {};
}

function bodyArbitrary(op: Operation): fc.Arbitrary<WireBody | null> {
  if (op.method === 'GET') {
    return fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: badContent({}) });
  }
  const valid = arbitraryFor(op.body, fieldIds());
  return fc.oneof(
    {
      weight: 4,
      arbitrary: valid.map((v): WireBody => ({
        kind: 'valid',
        payload: JSON.stringify(v),
        contentType: 'application/json',
      })),
    },
    { weight: 3, arbitrary: valid.chain(wrongTypes) },
    { weight: 1, arbitrary: valid.chain(hugeStrings) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: valid.chain(protoKeys) },
    { weight: 2, arbitrary: valid.chain(badContent) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

function requestArbitrary(op: Operation) {
  const params = (op.path.match(/:[a-z_]+/g) ?? []).map((p) => p.slice(1));
  const real = (name: string) =>
    name === 'project_id'
      ? w.projectId
      : name === 'name'
        ? 'authz-read'
        : name === 'version'
          ? '1'
          : w.shared[name];
  return fc.record({
    params: fc.tuple(...params.map((p) => paramValue(real(p))), fc.constant('')),
    query: queryString(op.query),
    body: bodyArbitrary(op),
    mcpAccept: fc.boolean(),
    auth: fc.constantFrom<Auth>('owner', 'owner', 'owner', 'admin', 'member', 'none', 'garbage', 'no-csrf'),
  });
}

interface Answer {
  status: number;
  contentType: string;
  requestId: string | undefined;
  body: string;
}

interface Sample {
  params: string[];
  query: string;
  body: WireBody | null;
  auth: Auth;
  mcpAccept: boolean;
}

async function sendSample(op: Operation, s: Sample): Promise<Answer> {
  let i = 0;
  const url = op.path.replace(/:[a-z_]+/g, () => s.params[i++]!).replace(/\*$/, '/fuzz') + s.query;
  const headers: Record<string, string> = authHeaders(op.path, s.auth);
  if (s.body?.contentType) headers['content-type'] = s.body.contentType;
  if (op.path.endsWith('/mcp') && s.mcpAccept) headers.accept = 'application/json, text/event-stream';
  if (/\/stream$/.test(op.path) || op.route === 'GET /v1/agent/connect') {
    return httpOnce(origin, op.method, url, headers);
  }
  const res = await t.app.inject({
    method: op.method as 'GET',
    url,
    headers,
    ...(s.body ? { payload: s.body.payload } : {}),
  });
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    requestId: res.headers['x-request-id'] as string | undefined,
    body: res.body,
  };
}

/** Zero 5xx (a 503 "no agent, retry later" is the documented answer, with Retry-After), envelope on every JSON error. */
function checkAnswer(op: Operation, a: Answer): void {
  const envelope =
    a.contentType.startsWith('application/json') && a.status >= 400
      ? ErrorEnvelope.safeParse(JSON.parse(a.body))
      : null;
  if (a.status >= 500) {
    const retryable =
      a.status === 503 &&
      envelope?.success &&
      ['tool_executor_unavailable', 'service_unavailable'].includes(envelope.data.error.code);
    expect(retryable, `${op.route} answered ${a.status}: ${a.body.slice(0, 500)}`).toBe(true);
  }
  expect(a.requestId, `${op.route}: no X-Request-ID`).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  if (a.status >= 400) {
    if (PAGES.has(op.route) && a.contentType.startsWith('text/html')) return;
    // Past authentication the MCP endpoint speaks JSON-RPC: its transport errors are JSON-RPC errors.
    if (op.path.endsWith('/mcp') && JsonRpcError.safeParse(JSON.parse(a.body)).success) return;
    expect(a.contentType, `${op.route} ${a.status} is not JSON: ${a.body.slice(0, 200)}`).toMatch(
      /^application\/json/,
    );
    expect(
      envelope?.success,
      `${op.route} ${a.status} body is not the envelope: ${a.body.slice(0, 300)}`,
    ).toBe(true);
  }
}

async function renewSessions(): Promise<void> {
  for (const p of ['owner', 'admin', 'member'] as const) {
    const user = w.users[p]!;
    const probe = await t.app.inject({
      method: 'GET',
      url: '/ops/session',
      headers: { cookie: w.credentials[p].session!.cookie },
    });
    if (
      probe.statusCode === 200 &&
      probe.json<{ active_project_id: string | null }>().active_project_id === w.projectId
    )
      continue;
    const session = await login(t.app, user.email, user.password);
    const switched = await t.app.inject({
      method: 'POST',
      url: '/ops/session/project',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      payload: { project_id: w.projectId },
    });
    expect(switched.statusCode, switched.body).toBe(200);
    w.credentials[p] = { ...w.credentials[p], session };
  }
}

describe('HTTP fuzz from the OpenAPI document', () => {
  it(`every route, valid and malformed requests (${RUNS_PER_ROUTE} per route, seed ${seed}): no 5xx, envelope on every error`, async () => {
    expect(operations.length).toBeGreaterThan(200);
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), async (sample) => {
          const s = sample as Sample;
          const answer = await sendSample(op, s).catch((err: unknown) => {
            throw new Error(`${op.route}: ${String(err)}`, { cause: err });
          });
          figures.requests += 1;
          const kind = s.body?.kind ?? 'no-body';
          figures.byKind.set(kind, (figures.byKind.get(kind) ?? 0) + 1);
          figures.statuses.set(answer.status, (figures.statuses.get(answer.status) ?? 0) + 1);
          if (SESSION_ROUTES.has(op.route)) await renewSessions();
          checkAnswer(op, answer);
        }),
        { numRuns: RUNS_PER_ROUTE, seed, endOnFailure: true },
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(unhandled).toEqual([]);
    const kinds = [...figures.byKind].map(([k, n]) => `${k} ${n}`).join(', ');
    const statuses = [...figures.statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    process.stdout.write(
      `\nHTTP fuzz: ${figures.requests} requests over ${operations.length} routes (seed ${seed})\n  bodies: ${kinds}\n  statuses: ${statuses}\n`,
    );
  }, 3_600_000);
});
