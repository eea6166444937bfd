import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test-support/start-server';

const BIN = join(REPO_ROOT, 'apps/cli/bin/xeroctl.mjs');

/**
 * Each run starts node + tsx (about a second, several on a loaded machine), and an e2e test
 * runs a dozen of them, so it gets more than vitest's default 30 s.
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
 */
export function runXeroctl(
  home: string,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('XEROCTL_') && k !== 'XDG_CONFIG_HOME') env[k] = v;
  }
  Object.assign(env, { HOME: home }, opts.env);
  return new Promise<CliResult>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
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
