import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = resolve(__dirname, '../src/main.ts');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Database env for a real server process: a temp PGlite dir, or a fresh PostgreSQL database. */
async function databaseEnv(): Promise<Record<string, string>> {
  const url = process.env.DATABASE_URL;
  // The data dir also decides where the local agent keeps its state, so it is set either way.
  const dataDir = join(mkdtempSync(join(tmpdir(), 'xem-main-')), 'data');
  if (!url) return { XEM_DATA_DIR: dataDir };
  const name = `xem_main_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  cleanups.push(async () => {
    const d = new pg.Client({ connectionString: url });
    await d.connect();
    await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await d.end();
  });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { DATABASE_URL: u.toString(), XEM_DATA_DIR: dataDir };
}

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const { DATABASE_URL: _omit, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...parentEnv, XEM_LOG_LEVEL: 'warn', XEM_PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => out, exit };
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

describe('server process', () => {
  it('boots with a local agent, prints where to sign in with a one-time password, runs a tool, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const s = start({ ...(await databaseEnv()), XEM_PORT: String(port), XEM_HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => s.output().includes('sign in at'), 30_000);
    expect(s.output()).toContain(`sign in at ${base}/ops/login`);
    const password = /generated admin password \(shown once\): (\S+)/.exec(s.output())?.[1];
    expect(password).toMatch(/^[a-z0-9]{24}$/);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const login = await fetch(`${base}/ops/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password }),
    });
    expect(login.status).toBe(200);

    // The one-command experience: a local agent is online and runs a core tool.
    const token = await fetch(`${base}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password }),
    });
    const { key, project_id: projectId } = (await token.json()) as { key: string; project_id: string };
    const auth = { authorization: `Bearer ${key}` };
    await waitFor(async () => {
      const res = await fetch(`${base}/${projectId}/v1/management/agents`, { headers: auth });
      const body = (await res.json()) as { data: Array<{ status: string; tool_count: number }> };
      return body.data.some((a) => a.status === 'online' && a.tool_count > 0);
    }, 30_000);
    const created = await fetch(`${base}/${projectId}/v1/exec/executions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: 'default', tool: 'system_info', args: {} }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    let detail: { status: string; output: { stdout: string } | null } = { status: '', output: null };
    await waitFor(async () => {
      const res = await fetch(`${base}/${projectId}/v1/exec/executions/${id}`, { headers: auth });
      detail = (await res.json()) as typeof detail;
      return detail.status === 'completed';
    }, 20_000);
    expect(JSON.parse(detail.output!.stdout)).toHaveProperty('hostname');

    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  }, 90_000);

  it('refuses to boot on a wrong setting, naming the variable', async () => {
    const s = start({ XEM_PORT: 'eighty', XEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'xem-bad-')) });
    expect(await s.exit).toBe(2);
    expect(s.output()).toMatch(/XEM_PORT/);
  });
});
