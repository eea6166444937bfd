import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test-support/start-server';
import { AGENT_JS } from '../../../test-support/test-bins';

export interface StartedAgent {
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real `xem-agent` (apps/agent/src/main.ts, bundled by the run's global setup) with
 * the repository's bundles, a state directory of its own and a short lease interval, enrolling
 * with `joinKey`. The caller waits for it to show up online through the API.
 */
export function startAgent(opts: { routerUrl: string; joinKey: string; name: string }): StartedAgent {
  const state = mkdtempSync(join(tmpdir(), 'xem-cli-agent-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('XEM_')) env[k] = v;
  Object.assign(env, {
    XEM_ROUTER_URL: opts.routerUrl,
    XEM_JOIN_KEY: opts.joinKey,
    XEM_REGISTRATION_NAME: opts.name,
    XEM_STATE_DIR: state,
    XEM_CREDENTIALS_DIR: join(state, 'credentials'),
    XEM_FILE_ROOT: join(state, 'files'),
    XEM_LEASE_RENEWAL_INTERVAL_MS: '1000',
    XEM_SHUTDOWN_GRACE_SECONDS: '1',
    XEM_LOG_LEVEL: 'warn',
  });
  const child = spawn(process.execPath, [AGENT_JS], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
