import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { copyPgliteTemplate } from './pglite-template';
import { SERVER_JS } from './test-bins';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface StartedServer {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** `pglite` or `postgres`, for test names and failure messages. */
  database: 'pglite' | 'postgres';
  /** The PostgreSQL URL of its database (undefined on PGlite); a replica can share it. */
  databaseUrl: string | undefined;
  /** Everything the server printed so far; attached to failures. */
  output(): string;
  stop(): Promise<void>;
}

/** Asks the OS for a free port; the small window before the server binds it is accepted. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok, fail) => probe.once('error', fail).listen(0, '127.0.0.1', ok));
  const address = probe.address();
  await new Promise<void>((ok) => probe.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('could not read the probe port');
  return address.port;
}

async function withAdminClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Starts the real server (apps/server/src/main.ts, built once per run by the global setup: see
 * test-bins.ts) on a free port with a database of its own: a temp PGlite directory (a copy of the
 * migrated template, see pglite-template.ts), or a fresh database on the PostgreSQL server of
 * `pgUrl` (default: `DATABASE_URL`), dropped by stop(). The temp directory also holds the local
 * agent's state and files (the server puts them beside its data directory). Resolves once
 * `GET /readyz` answers 200.
 * `env` adds or overrides server settings (e.g. `XEM_LOCAL_AGENT: 'false'` for a fleet with no
 * agent). `replicaOf` starts another replica on the database (and admin) of a running PostgreSQL
 * server.
 */
export async function startServer(
  opts: { env?: Record<string, string>; replicaOf?: StartedServer; pgUrl?: string } = {},
): Promise<StartedServer> {
  const port = await freePort();
  const primary = opts.replicaOf;
  if (primary && !primary.databaseUrl)
    throw new Error('replicas share a PostgreSQL database; PGlite has none');
  const adminEmail = primary?.adminEmail ?? 'admin@example.test';
  const adminPassword = primary?.adminPassword ?? `admin-${randomBytes(8).toString('hex')}`;
  const tempRoot = mkdtempSync(join(tmpdir(), 'xem-e2e-'));
  const dataDir = join(tempRoot, 'data');
  const pgUrl = opts.pgUrl ?? process.env.DATABASE_URL;
  const dbName = `xem_e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('XEM_') && !k.startsWith('XEROCTL_') && k !== 'DATABASE_URL')
      env[k] = v;
  }
  Object.assign(env, {
    XEM_PORT: String(port),
    XEM_HOST: '127.0.0.1',
    XEM_ADMIN_EMAIL: adminEmail,
    XEM_ADMIN_PASSWORD: adminPassword,
    XEM_PASSWORD_HASH_COST: '10',
    XEM_LOG_LEVEL: 'warn',
    XEM_DATA_DIR: dataDir,
    ...opts.env,
  });
  let databaseUrl: string | undefined;
  if (primary) {
    databaseUrl = env.DATABASE_URL = primary.databaseUrl!;
  } else if (pgUrl) {
    await withAdminClient(pgUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
    const u = new URL(pgUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = env.DATABASE_URL = u.toString();
  } else {
    await copyPgliteTemplate(dataDir);
  }

  const child = spawn(process.execPath, [SERVER_JS], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  const cleanup = async () => {
    await stopChild(child, exited);
    rmSync(tempRoot, { recursive: true, force: true });
    // A replica leaves the shared database to the server that created it.
    if (pgUrl && !primary)
      await withAdminClient(pgUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(baseUrl, exited, () => output);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    baseUrl,
    adminEmail,
    adminPassword,
    database: pgUrl ? 'postgres' : 'pglite',
    databaseUrl,
    output: () => output,
    stop: cleanup,
  };
}

async function waitReady(
  baseUrl: string,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  while (Date.now() < deadline) {
    if (gone !== undefined)
      throw new Error(`server exited with code ${gone} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${baseUrl} was not ready within 60 s:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
