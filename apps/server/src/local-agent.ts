import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AppDeps } from './app-deps';
import { createJoinKey } from './agents/join-keys-service';
import { SYSTEM_CONTEXT } from './audit/audit-context';

/** The agent is started as its own process, through its bin file: apps never import each other. */
const AGENT_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../agent/bin/xem-agent.mjs');

export interface LocalAgentOptions {
  /** Where the agent keeps its key, credential and manifest state (kept across restarts). */
  stateDir: string;
  /** Root under which the core bundle's file tools may read and write. */
  fileRoot: string;
  /** URL the agent uses to reach this server. */
  routerUrl: string;
  projectSlug: string;
  log: Logger;
}

/** `local-<hostname>` reduced to what a registration name allows (kebab-case, ≤ 48). */
export function localRegistrationName(host = hostname()): string {
  const clean = host
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `local-${clean || 'host'}`.slice(0, 48).replace(/-+$/, '');
}

/**
 * Runs a `xem-agent` beside the server so that `npm start` shows a live fleet. On first start it
 * mints a single-use join key for the default project (bound to its default workspace); later
 * starts reuse the credential the agent saved in its state directory.
 * States: starting → running → (crashed: non-zero exit or signal) → restarting after a backoff →
 * running; running → (drained, exit 0) → stopped;
 * stop(): stopping (SIGTERM, the agent drains) → stopped.
 */
export async function startLocalAgent(deps: AppDeps, opts: LocalAgentOptions): Promise<() => Promise<void>> {
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(opts.fileRoot, { recursive: true });
  // A saved credential is reused only while its agent still exists here (the database may have
  // been replaced, or the agent revoked): otherwise the agent enrolls again with a new key.
  const savedAgentId = readSavedAgentId(join(opts.stateDir, 'credential.json'));
  const known = savedAgentId
    ? await deps.db.selectFrom('agents').select('status').where('id', '=', savedAgentId).executeTakeFirst()
    : undefined;
  const joinKey =
    known && known.status !== 'revoked' ? undefined : await mintLocalJoinKey(deps, opts.projectSlug);

  let child: ChildProcess | null = null;
  let stopping = false;
  let backoffMs = 1000;
  // A minimal environment: the server's own secrets (database URL, admin password) stay here.
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    XEM_ROUTER_URL: opts.routerUrl,
    XEM_REGISTRATION_NAME: localRegistrationName(),
    XEM_STATE_DIR: opts.stateDir,
    XEM_FILE_ROOT: opts.fileRoot,
    XEM_LEASE_RENEWAL_INTERVAL_MS: String(deps.config.leaseRenewalIntervalMs),
    // Ctrl-C on npm start should not wait the default 30 s for the local agent's tools.
    XEM_SHUTDOWN_GRACE_SECONDS: '10',
    XEM_LOG_LEVEL: ['debug', 'trace'].includes(deps.config.logLevel) ? deps.config.logLevel : 'warn',
    ...(joinKey ? { XEM_JOIN_KEY: joinKey } : {}),
  };

  const launch = () => {
    const c = spawn(process.execPath, [AGENT_BIN], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child = c;
    const startedAt = Date.now();
    opts.log.info({ pid: c.pid, registration_name: env.XEM_REGISTRATION_NAME }, 'local agent started');
    c.on('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      // Exit 0 is a finished drain (an operator drained it): restarting would undo that.
      if (code === 0) {
        opts.log.info('local agent drained and exited; it stays stopped until the server restarts');
        return;
      }
      // A run that lasted a while resets the backoff; a crash loop slows down to 30 s.
      backoffMs = Date.now() - startedAt > 60_000 ? 1000 : Math.min(backoffMs * 2, 30_000);
      opts.log.warn({ code, signal, restart_in_ms: backoffMs }, 'local agent exited; restarting');
      setTimeout(() => !stopping && launch(), backoffMs).unref();
    });
  };
  launch();

  return async () => {
    stopping = true;
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
}

function readSavedAgentId(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { agent_id?: unknown };
    return typeof saved.agent_id === 'string' ? saved.agent_id : undefined;
  } catch {
    return undefined;
  }
}

async function mintLocalJoinKey(deps: AppDeps, projectSlug: string): Promise<string> {
  const project = await deps.db
    .selectFrom('projects')
    .select('id')
    .where('slug', '=', projectSlug)
    .executeTakeFirst();
  const admin = await deps.db
    .selectFrom('users')
    .select('id')
    .where('is_admin', '=', true)
    .orderBy('created_at')
    .executeTakeFirst();
  if (!project || !admin)
    throw new Error(`local agent: no project "${projectSlug}" or no admin to mint its join key`);
  const created = await createJoinKey(
    deps.db,
    { userId: admin.id, isAdmin: true, role: null, ctx: SYSTEM_CONTEXT },
    project.id,
    { name: 'local agent', region: 'local', ttl_hours: 1, max_uses: 1 },
  );
  return created.key;
}
