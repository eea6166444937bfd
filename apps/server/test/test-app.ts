import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ErrorEnvelope, type Scope } from '@xem/protocol';
import { buildApp } from '../src/app';
import { ChannelRegistry } from '../src/channel/channel-registry';
import { randomToken } from '../src/ids';
import type { AppDeps } from '../src/app-deps';
import { loadConfig } from '../src/config';
import type { Db } from '../src/db/client';
import { bootstrapAdmin } from '../src/identity/bootstrap-admin';
import { EventHub } from '../src/events/event-hub';
import { createPasswordHasher } from '../src/identity/password';
import { insertUser } from '../src/identity/users';
import { insertKey } from '../src/keys/keys-service';
import { insertProject } from '../src/projects/projects';
import { createTestDb } from './test-db';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'admin-password-123';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  database: Db;
  projectId: string;
  close(): Promise<void>;
}

/**
 * A real app on a fresh database with a bootstrapped admin (owner of the default project).
 * Requests are injected (no port). `env` overrides configuration variables.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDb();
  const config = loadConfig({
    XEM_PASSWORD_HASH_COST: '10',
    XEM_RATE_LIMIT_PER_MINUTE: '0',
    XEM_LOG_LEVEL: 'silent',
    ...env,
  });
  const hasher = createPasswordHasher({ costLog2: config.passwordHashCost });
  const boot = await bootstrapAdmin(database.db, hasher, {
    email: ADMIN_EMAIL,
    password: ADMIN_PASSWORD,
    projectSlug: config.defaultProjectSlug,
  });
  const deps: AppDeps = {
    config,
    db: database.db,
    hasher,
    listen: database.listen,
    registry: new ChannelRegistry(),
    hub: new EventHub(database.db, database.listen, {
      delivery: config.events.delivery,
      pollIntervalMs: config.events.pollIntervalMs,
    }),
    instanceId: `test-${randomToken(8)}`,
  };
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    deps,
    database,
    projectId: boot.projectId!,
    close: async () => {
      await app.close();
      await deps.hub.close();
      await database.close();
    },
  };
}

export interface Browser {
  cookie: string;
  csrf: string;
  userId: string;
}

/** Extracts `name=value` of the session cookie from a response. */
export function sessionCookieFrom(res: LightMyRequestResponse): string {
  const set = res.cookies.find((c) => c.name === 'xem_session' || c.name === '__Host-xem_session');
  if (!set) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `${set.name}=${set.value}`;
}

/** Signs in through POST /ops/login like the dashboard does. */
export async function login(app: FastifyInstance, email: string, password: string): Promise<Browser> {
  const res = await app.inject({ method: 'POST', url: '/ops/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode}: ${res.body}`);
  const body = res.json<{ csrf_token: string; user: { id: string } }>();
  return { cookie: sessionCookieFrom(res), csrf: body.csrf_token, userId: body.user.id };
}

/** A state-changing /ops request carrying the session cookie and CSRF token. */
export function opsRequest(
  app: FastifyInstance,
  b: Browser,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET',
  url: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url,
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrf },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** Creates an API key from the admin's dashboard session. */
export async function createKeyAs(
  app: FastifyInstance,
  b: Browser,
  scopes: string[] = ['execution', 'inference', 'management'],
): Promise<string> {
  const res = await opsRequest(app, b, 'POST', '/ops/api/keys', { name: 'test', scopes });
  if (res.statusCode !== 201) throw new Error(`key create failed ${res.statusCode}: ${res.body}`);
  return res.json<{ key: string }>().key;
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

export interface SeededUser {
  id: string;
  email: string;
  password: string;
}

/** A user inserted straight into the database; the e-mail is unique unless one is given. */
export async function seedUser(
  t: TestApp,
  opts: { email?: string; password?: string; isAdmin?: boolean } = {},
): Promise<SeededUser> {
  const email = opts.email ?? `u-${randomBytes(6).toString('hex')}@example.test`;
  const password = opts.password ?? 'seeded-password-123';
  const row = await insertUser(t.deps.db, {
    email,
    passwordHash: await t.deps.hasher.hash(password),
    isAdmin: opts.isAdmin ?? false,
  });
  return { id: row.id, email: row.email, password };
}

export async function seedMembership(
  t: TestApp,
  projectId: string,
  userId: string,
  role: 'owner' | 'member',
): Promise<void> {
  await t.deps.db
    .insertInto('memberships')
    .values({ project_id: projectId, user_id: userId, role })
    .execute();
}

/** A project whose only member is a fresh non-admin owner. */
export async function seedProject(
  t: TestApp,
  slug = `p-${randomBytes(5).toString('hex')}`,
): Promise<{ id: string; slug: string; owner: SeededUser }> {
  const project = await insertProject(t.deps.db, slug, `Project ${slug}`);
  const owner = await seedUser(t);
  await seedMembership(t, project.id, owner.id, 'owner');
  return { id: project.id, slug, owner };
}

/** An API key inserted as if `userId` had created it in `projectId` (no audit row). */
export async function seedApiKey(
  t: TestApp,
  projectId: string,
  userId: string,
  scopes: Scope[] = ['execution', 'inference', 'management'],
): Promise<{ id: string; key: string }> {
  const project = await t.deps.db
    .selectFrom('projects')
    .select(['id', 'slug'])
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
  const created = await insertKey(t.deps.db, project, userId, { name: 'seeded', scopes });
  return { id: created.api_key.id, key: created.key };
}

/** Asserts an error response: status, code, the protocol envelope and an X-Request-ID. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): ErrorEnvelope {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  const body = ErrorEnvelope.parse(res.json());
  expect(body.error.code).toBe(code);
  return body;
}

/**
 * Every route the app registered, as `METHOD /path`, parsed from `printRoutes` (the tree
 * prints each child's path relative to its parent, indented four characters per level).
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]?.split(',') ?? []) out.push(`${method.trim()} ${path}`);
  }
  return out.sort();
}
