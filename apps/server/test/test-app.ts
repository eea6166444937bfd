import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app';
import type { AppDeps } from '../src/app-deps';
import { loadConfig } from '../src/config';
import type { Db } from '../src/db/client';
import { bootstrapAdmin } from '../src/identity/bootstrap-admin';
import { createPasswordHasher } from '../src/identity/password';
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
  const deps: AppDeps = { config, db: database.db, hasher };
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    deps,
    database,
    projectId: boot.projectId!,
    close: async () => {
      await app.close();
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
  method: 'POST' | 'PATCH' | 'DELETE' | 'GET',
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
