import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { buildApp } from './app';
import type { AppDeps } from './app-deps';
import { ChannelRegistry } from './channel/channel-registry';
import { startFleetLoops } from './channel/start-fleet-loops';
import { ConfigError, loadConfig, type Config } from './config';
import { createDb } from './db/client';
import { migrate } from './db/migrate';
import { EventHub } from './events/event-hub';
import { startEventPruner } from './events/prune-events';
import { bootstrapAdmin } from './identity/bootstrap-admin';
import { createPasswordHasher } from './identity/password';
import { randomToken } from './ids';
import { startLocalAgent } from './local-agent';
import { startSessionPruner } from './sessions/session-pruner';

/** Composition root: config → db → migrate → bootstrap → app → listen → loops. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`xem: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel });
  const database = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  log.info(
    { database: database.kind, data_dir: database.kind === 'pglite' ? config.dataDir : undefined },
    'database opened',
  );
  const applied = await migrate(database.pool);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const hasher = createPasswordHasher({ costLog2: config.passwordHashCost });
  const boot = await bootstrapAdmin(database.db, hasher, {
    email: config.adminEmail,
    password: config.adminPassword,
    projectSlug: config.defaultProjectSlug,
  });

  let ready = false;
  const deps: AppDeps = {
    config,
    db: database.db,
    hasher,
    listen: database.listen,
    registry: new ChannelRegistry(),
    hub: new EventHub(database.db, database.listen, {
      delivery: config.events.delivery,
      pollIntervalMs: config.events.pollIntervalMs,
      log,
    }),
    instanceId: `${hostname()}-${process.pid}-${randomToken(6)}`,
    isReady: () => ready,
  };
  const app = await buildApp(deps);
  await app.listen({ host: config.host, port: config.port });
  const stopFleetLoops = await startFleetLoops(deps, log);
  const stopLocalAgent = config.localAgent
    ? await startLocalAgent(deps, {
        stateDir: resolve(config.dataDir, '..', 'agent'),
        fileRoot: resolve(config.dataDir, '..', 'files'),
        routerUrl: directUrl(config.host, (app.server.address() as AddressInfo).port),
        projectSlug: config.defaultProjectSlug,
        log,
      })
    : async () => {};
  const stopPruner = startSessionPruner(database.db, config.sessionIdleTimeoutSeconds, 600_000, log);
  const stopEventPruner = startEventPruner(database.db, config.events.retentionSeconds, log);
  ready = true;

  log.info(
    {
      smtp: config.smtp !== null,
      approval_links: config.approvalLinkSecret !== undefined,
    },
    config.smtp
      ? 'e-mail: approval notifications are sent over SMTP'
      : 'e-mail: XEM_SMTP_URL is not set; approval notifications stay in the outbox (GET /ops/api/outbox)',
  );
  const lines = [`XEM is running: sign in at ${config.baseUrl}/ops/login`];
  if (boot.created) {
    lines.push(
      `  first start: created admin ${boot.email} and project "${config.defaultProjectSlug}" (${boot.projectId})`,
    );
    if (boot.generatedPassword) {
      lines.push(`  generated admin password (shown once): ${boot.generatedPassword}`);
    }
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    ready = false;
    stopPruner();
    const force = setTimeout(() => process.exit(1), 45_000);
    force.unref();
    try {
      // The agent drains while the server still answers its renewals and results.
      await stopLocalAgent();
      await stopFleetLoops();
      await stopEventPruner();
      await app.close();
      await deps.hub.close();
      await database.close();
    } finally {
      clearTimeout(force);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** How a process on this host reaches the server, whatever address it listens on. */
function directUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `xem: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
