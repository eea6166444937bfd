import { mkdirSync, readFileSync } from 'node:fs';
import { loadAgentTools } from './agent-tools';
import { Backoff } from './backoff';
import { AgentChannel } from './channel';
import { ConfigError, loadConfig, type AgentConfig } from './config';
import { CredentialStore } from './credential-store';
import { Enrollment, EnrollmentRefused } from './enroll';
import { LogStreamer } from './log-streamer';
import { ProgressReporter } from './progress-reporter';
import { DiscoveryReporter } from './discovery/discovery-reporter';
import { scanListeningServices } from './discovery/scan-listening-services';
import { createLogger } from './logger';
import { Runner } from './runner';
import { createShutdown } from './shutdown';
import { loadOrCreateSigningKey } from './signing-key';

/** Exit codes: 0 stopped cleanly, 1 unexpected error, 2 bad configuration, 3 enrollment refused. */
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  process.stdout.write(`xem-agent ${VERSION}\n`);
  process.exit(0);
}
if (argv.includes('--help')) {
  process.stdout.write(
    'usage: xem-agent [--config FILE] [--router-url URL] [--registration-name NAME] [--join-key KEY] ...\n' +
      'Every XEM_* setting also works as a flag (--tools-dir, --state-dir, --max-concurrent-executions, …).\n' +
      'See docs/agent-protocol.md ("The agent") and docs/tool-bundles.md.\n',
  );
  process.exit(0);
}

let config: AgentConfig;
try {
  config = loadConfig({ argv, env: process.env });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`xem-agent: ${err.message}\n`);
  process.exit(2);
}

/** Local files the agent cannot read or create are a setup problem: say which, exit 2. */
function orExit<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    process.stderr.write(`xem-agent: ${what}: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

const store = new CredentialStore(config.stateDir);
const saved = orExit(`cannot read ${store.path}`, () =>
  store.load(config.routerUrl, config.registrationName),
);
// The join key is required only until the agent has a credential of its own.
if (!config.joinKey && !saved) {
  process.stderr.write(
    `xem-agent: missing required setting: XEM_JOIN_KEY (--join-key, or join_key in ${config.configFile}); ` +
      `it is needed until the agent has enrolled (no saved credential for ${config.routerUrl} in ${config.stateDir})\n`,
  );
  process.exit(2);
}

const log = createLogger(config.logLevel);
orExit('cannot create the state directory or file root', () => {
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(config.fileRoot, { recursive: true, mode: 0o700 });
});
const key = orExit(`cannot use the signing key ${config.signingKeyPath}`, () =>
  loadOrCreateSigningKey(config.signingKeyPath),
);
const enrollment = new Enrollment({ config, key, store, log, version: VERSION });
let tools = loadAgentTools(config.toolsDir, config.stateDir, log);

// Tools must not see the agent's own settings: XEM_JOIN_KEY is a secret.
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('XEM_')),
);

const fail = async (err: Error, code: number) => {
  log.fatal({ err: err.message }, 'xem-agent cannot continue');
  process.stderr.write(`xem-agent: ${err.message}\n`);
  await runner.abandonAll();
  process.exit(code);
};

const logs = new LogStreamer((frame) => channel.sendLive(frame));
const progress = new ProgressReporter((frame) => channel.sendLive(frame));
const runner: Runner = new Runner({
  tools: () => tools.specs,
  maxConcurrent: config.maxConcurrentExecutions,
  maxOutputBytes: config.maxOutputBytes,
  credentialsDir: config.credentialsDir,
  fileRoot: config.fileRoot,
  baseEnv,
  onOutput: (ref, stream, chunk) => logs.push(ref, stream, chunk),
  onProgress: (ref, p) => progress.push(ref, p),
  onResult: (r) => {
    logs.finish(r);
    progress.finish(r);
    channel.sendResult(r);
  },
  log,
});
const channel: AgentChannel = new AgentChannel({
  routerUrl: config.routerUrl,
  enrollment,
  runner,
  manifest: () => tools.manifest,
  leaseRenewalIntervalMs: config.leaseRenewalIntervalMs,
  log,
  onDrainRequested: () => shutdown('drain requested by the router', { signal: false }),
  onFatal: (err) => void fail(err, 3),
  onWelcomed: () => discovery.resync(),
});
// Listening TCP services of the host, reported as discovery candidates (docs/discovery.md).
const discovery = new DiscoveryReporter({
  scan: () => scanListeningServices(),
  send: (frame) => channel.sendDiscovery(frame),
  intervalMs: config.discoveryIntervalMs,
  log,
});
const shutdown = createShutdown({
  runner,
  channel,
  graceSeconds: config.shutdownGraceSeconds,
  log,
  exit: (code) => process.exit(code),
});

process.on('SIGTERM', () => shutdown('SIGTERM', { signal: true }));
process.on('SIGINT', () => shutdown('SIGINT', { signal: true }));
// Reload bundles without a restart; the next lease renewal carries the changed manifest.
process.on('SIGHUP', () => {
  tools = loadAgentTools(config.toolsDir, config.stateDir, log);
  log.info({ manifest_version: tools.manifest.version, tools: tools.specs.size }, 'bundles reloaded');
});

log.info(
  {
    version: VERSION,
    router_url: config.routerUrl,
    registration_name: config.registrationName,
    config_file: config.configFile,
    tools_dir: config.toolsDir,
    state_dir: config.stateDir,
    file_root: config.fileRoot,
    tools: [...tools.specs.keys()],
    manifest_version: tools.manifest.version,
  },
  'xem-agent starting',
);

// The router may be down at boot: keep trying; only a refusal is final.
const backoff = new Backoff();
for (;;) {
  try {
    await enrollment.ensure();
    break;
  } catch (err) {
    if (err instanceof EnrollmentRefused) await fail(err, 3);
    const delayMs = backoff.next();
    log.warn({ err: (err as Error).message, retry_in_ms: delayMs }, 'router not reachable for enrollment');
    await new Promise((r) => setTimeout(r, delayMs));
  }
}
channel.start();
discovery.start();
