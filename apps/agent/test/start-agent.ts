import { spawn, type ChildProcess } from 'node:child_process';
import { AGENT_JS } from '../../../test-support/test-bins';

/** apps/agent/src/main.ts as the run's global setup bundled it (plain node, no tsx loader). */
const BIN = AGENT_JS;

export interface AgentProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the agent logged so far; attached to failures. */
  stderr(): string;
}

/** Runs the real `xem-agent` with only the given `XEM_*` settings (the test's own are dropped). */
export function startAgentProcess(env: Record<string, string>, args: string[] = []): AgentProcess {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('XEM_')) base[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, exited, stderr: () => stderr };
}
