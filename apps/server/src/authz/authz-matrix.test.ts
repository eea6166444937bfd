import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@xem/protocol';
import { httpOnce } from '../../test/http-once';
import { createTestApp, login, registeredRoutes, type TestApp } from '../../test/test-app';
import { AUTHZ_MATRIX, type Outcome } from './authz-matrix';
import { PRINCIPALS, type Principal } from './authz-principals';
import { requestFor, type RouteRequest } from './authz-requests';
import { buildAuthzWorld, type AuthzWorld, type Credential } from './authz-world';

let t: TestApp;
let w: AuthzWorld;
let origin: string;

beforeAll(async () => {
  t = await createTestApp({ XEROTIER_APPROVAL_LINK_SECRET: 'authz-matrix-link-secret-0123456789abcdef' });
  w = await buildAuthzWorld(t);
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(() => t.close());

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that end or replace the session they are called with: each call gets a new one. */
const SESSION_SPENDING = new Set([
  'POST /ops/login',
  'POST /ops/logout',
  'POST /ops/password',
  'POST /ops/session/project',
]);

/** HEAD runs GET's hooks and handler (fastify exposeHeadRoutes); a sample of principals shows it. */
const HEAD_AS = new Set<Principal>(['owner', 'member', 'key_other_project', 'anonymous']);

/** Credentials on the request: a session on `/ops`, a bearer elsewhere (else what there is). */
function withCredential(req: RouteRequest, c: Credential): RouteRequest {
  const headers: Record<string, string> = { ...req.headers };
  const preferSession = req.url.startsWith('/ops');
  if (c.session && (preferSession || !c.bearer)) {
    headers.cookie = c.session.cookie;
    if (STATE_CHANGING.has(req.method)) headers['x-csrf-token'] = c.session.csrf;
  } else if (c.bearer) {
    headers.authorization = `Bearer ${c.bearer}`;
  }
  return { ...req, headers };
}

/** `ok`, or `status:code` of the envelope (checked to be one), or the bare status. */
function outcomeOf(status: number, contentType: string, body: string): Outcome {
  if (status < 400) return 'ok';
  if (!contentType.startsWith('application/json')) return `${status}`;
  const envelope = ErrorEnvelope.parse(JSON.parse(body));
  return `${status}:${envelope.error.code}`;
}

/** SSE routes never end: ask over real HTTP and stop at the status line. */
async function streamOutcome(req: RouteRequest): Promise<Outcome> {
  const a = await httpOnce(origin, req.method, req.url, req.headers);
  if (a.status < 400) expect(a.contentType).toMatch(/^text\/event-stream/);
  return outcomeOf(a.status, a.contentType, a.body);
}

function injected(res: LightMyRequestResponse): Outcome {
  return outcomeOf(res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
}

/** A new session for the principal's user (the one it holds must survive). */
async function freshCredential(p: Principal): Promise<Credential> {
  const c = w.credentials[p];
  const user = w.users[p];
  if (!c.session || !user) return c;
  const session = await login(t.app, user.email, user.password);
  if (p === 'admin') return { ...c, session };
  return { ...c, session };
}

async function call(route: string, p: Principal, expected: Outcome): Promise<Outcome> {
  const ids = expected === 'ok' ? await w.fresh(route) : w.shared;
  let req = await requestFor(w, route, ids);
  const spending = SESSION_SPENDING.has(route);
  const credential = spending ? await freshCredential(p) : w.credentials[p];
  if (route === 'POST /ops/password') {
    const user = w.users[p];
    const next = `changed-${Math.random().toString(36).slice(2)}-pw`;
    req = { ...req, payload: { current_password: user?.password ?? 'x', new_password: next } };
    const out = await send(withCredential(req, credential));
    if (out === 'ok' && user) user.password = next;
    // The password change ends every session of the user: the held one is replaced.
    if (out === 'ok' && user && w.credentials[p].session) {
      w.credentials[p] = { ...w.credentials[p], session: await login(t.app, user.email, user.password) };
    }
    return out;
  }
  return send(withCredential(req, credential));
}

async function send(req: RouteRequest): Promise<Outcome> {
  if (req.method === 'GET' && /\/stream$/.test(req.url.split('?')[0]!)) return streamOutcome(req);
  const res = await t.app.inject({
    method: req.method as 'GET',
    url: req.url,
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
  return injected(res);
}

/** Rows of project A's objects that refused requests point at. */
async function sharedSnapshot() {
  const db = t.deps.db;
  const ids = Object.values(w.shared);
  const tables = [
    'api_keys',
    'invitations',
    'delegations',
    'workspaces',
    'join_keys',
    'agents',
    'executions',
    'approvals',
    'webhooks',
    'webhook_deliveries',
    'templates',
    'discovery_candidates',
    'chats',
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    out[table] = await db.selectFrom(table).selectAll().where('id', 'in', ids).orderBy('id').execute();
  }
  // A chat turn waiting for its approval keeps renewing its lease on its own.
  out.chats = out.chats!.map((c) => ({ ...(c as object), turn_lease_until: null }));
  out.memberships = await db
    .selectFrom('memberships')
    .selectAll()
    .where('project_id', '=', w.projectId)
    .where('user_id', 'in', ids)
    .execute();
  return out;
}

describe('authorization matrix', () => {
  it('has one row per registered route, with an outcome for every principal', () => {
    const registered = registeredRoutes(t.app).filter((r) => !r.startsWith('HEAD '));
    expect(Object.keys(AUTHZ_MATRIX).sort()).toEqual([...new Set(registered)].sort());
    for (const [route, row] of Object.entries(AUTHZ_MATRIX)) {
      expect(Object.keys(row).sort(), route).toEqual([...PRINCIPALS].sort());
    }
    // HEAD routes exist only as GET's twins; they are checked with them below.
    for (const r of registeredRoutes(t.app).filter((x) => x.startsWith('HEAD '))) {
      expect(AUTHZ_MATRIX).toHaveProperty(r.replace(/^HEAD /, 'GET '));
    }
  });

  it('every route answers every principal as the matrix says, and refusals change nothing', async () => {
    const before = await sharedSnapshot();
    const mismatches: string[] = [];
    let requests = 0;
    // Routes that end sessions or change passwords go last.
    const routes = Object.keys(AUTHZ_MATRIX).sort(
      (x, y) => Number(SESSION_SPENDING.has(x)) - Number(SESSION_SPENDING.has(y)),
    );
    for (const route of routes) {
      for (const p of PRINCIPALS) {
        const expected = AUTHZ_MATRIX[route]![p];
        const got = await call(route, p, expected).catch((err: unknown) => {
          throw new Error(`${route} as ${p}: ${String(err)}`);
        });
        requests += 1;
        if (got !== expected) mismatches.push(`${route} as ${p}: expected ${expected}, got ${got}`);
        if (HEAD_AS.has(p) && route.startsWith('GET ') && !route.endsWith('/stream')) {
          const ids = expected === 'ok' ? await w.fresh(route) : w.shared;
          const req = withCredential(await requestFor(w, route, ids), w.credentials[p]);
          const head = await t.app.inject({ method: 'HEAD', url: req.url, headers: req.headers ?? {} });
          requests += 1;
          const status =
            expected === 'ok' ? head.statusCode < 400 : String(head.statusCode) === expected.split(':')[0];
          if (!status)
            mismatches.push(`HEAD ${route.slice(4)} as ${p}: expected ${expected}, got ${head.statusCode}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(await sharedSnapshot()).toEqual(before);
    process.stdout.write(
      `authz matrix: ${Object.keys(AUTHZ_MATRIX).length} routes × ${PRINCIPALS.length} principals, ${requests} requests\n`,
    );
  }, 900_000);
});
