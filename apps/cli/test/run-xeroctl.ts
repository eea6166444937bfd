import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test-support/start-server';
import { XEROCTL_JS } from '../../../test-support/test-bins';

/** The bin file `npm install` links: apps/cli/src/main.ts through tsx's loader. */
export const XEROCTL_BIN = join(REPO_ROOT, 'apps/cli/bin/xeroctl.mjs');

/**
 * What the e2e tests run by default: apps/cli/src/main.ts as the run's global setup built it
 * into one file (plain node, no tsx loader at each start). xeroctl-bin.e2e.test.ts runs the bin
 * file itself.
 */
const BIN = XEROCTL_JS;

/**
 * Each run starts a node process (a fraction of a second, a few on a loaded machine), and an e2e
 * test runs a dozen of them, so it gets more than vitest's default 30 s.
 */
export const CLI_TEST_TIMEOUT_MS = 120_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `xeroctl` binary as a child process with its own HOME, so it reads and writes
 * only its own config file. stdout and stderr are pipes, so output is in its piped form.
 * `bin` runs another entry file (XEROCTL_BIN) instead of the test build.
 */
export function runXeroctl(
  home: string,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; bin?: string } = {},
) {
  const env = cliEnv(home, opts.env);
  return new Promise<CliResult>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [opts.bin ?? BIN, ...args],
      { cwd: REPO_ROOT, env, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === null)
          reject(new Error(`xeroctl ${args.join(' ')} failed to run: ${err?.message}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin!.end(opts.stdin ?? '');
  });
}

/** The test's environment without XEROCTL_* settings, with its own HOME. */
function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('XEROCTL_') && k !== 'XDG_CONFIG_HOME') env[k] = v;
  }
  return Object.assign(env, { HOME: home }, extra);
}

export interface RunningXeroctl {
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when it exits. */
  done: Promise<CliResult>;
  /** Sends a signal (Ctrl-C is SIGINT). */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `xeroctl` like runXeroctl, without waiting for it: for commands that run until stopped. */
export function spawnXeroctl(home: string, args: string[]): RunningXeroctl {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === null
        ? reject(new Error(`xeroctl ${args.join(' ')} ended by ${signal}\n${stderr}`))
        : resolve({ code, stdout, stderr }),
    );
  });
  return { stdout: () => stdout, stderr: () => stderr, done, kill: (signal) => void child.kill(signal) };
}
