import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { OutputCapture } from './output-capture';

export interface ChildOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: string;
  maxOutputBytes: number;
  /** Time between SIGTERM and SIGKILL when the run is stopped. */
  killGraceMs: number;
  /** Output as it arrives, only the part within the cap. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Each line the tool writes to file descriptor 3 (`XEM_PROGRESS_FD`). */
  onProgressLine?: (line: string) => void;
}

/** Longer progress lines are dropped: progress is a percentage and a short message. */
const MAX_PROGRESS_LINE = 4096;

export interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** Set when the process could not be started at all (missing executable, permissions). */
  spawnError?: string;
}

export interface ChildRun {
  done: Promise<ChildExit>;
  /** SIGTERM to the tool's process group, SIGKILL after the grace; safe to call repeatedly. */
  stop(): void;
}

/** After the tool exits, wait this long for its pipes to drain (a leftover grandchild may hold them). */
const PIPE_DRAIN_MS = 1000;

/**
 * Runs one tool process in a process group of its own, so stopping it also stops whatever it
 * started (a shell pipeline, a `sleep`).
 */
export function runChild(opts: ChildOptions): ChildRun {
  const stdout = new OutputCapture(opts.maxOutputBytes);
  const stderr = new OutputCapture(opts.maxOutputBytes);
  const child = spawn(opts.argv[0]!, opts.argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const progress = child.stdio[3] as Readable;
  let partial = '';
  progress.setEncoding('utf8');
  progress.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > MAX_PROGRESS_LINE) partial = '';
    for (const line of lines) if (line.length <= MAX_PROGRESS_LINE) opts.onProgressLine?.(line);
  });
  progress.on('error', () => {});
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  const done = new Promise<ChildExit>((resolveDone) => {
    let spawnError: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(killTimer);
      resolveDone({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    const forward = (stream: 'stdout' | 'stderr', kept: Buffer) => {
      if (kept.length > 0) opts.onOutput?.(stream, kept);
    };
    child.stdout.on('data', (c: Buffer) => forward('stdout', stdout.push(c)));
    child.stderr.on('data', (c: Buffer) => forward('stderr', stderr.push(c)));
    child.once('error', (err) => {
      spawnError = err.message;
      exited = true;
      finish();
    });
    child.once('exit', (code, signal) => {
      exited = true;
      exit = { code, signal };
      // Kill stragglers of the group so the pipes close, then give them a moment to drain.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Nothing left in the group.
        }
      }
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        progress.destroy();
        finish();
      }, PIPE_DRAIN_MS).unref();
    });
    child.once('close', () => {
      if (exit) finish();
    });
  });

  // A tool that never reads stdin closes it early; that EPIPE is not an error of the run.
  child.stdin.on('error', () => {});
  child.stdin.end(opts.stdin);

  return {
    done,
    stop() {
      if (exited || killTimer) return;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), opts.killGraceMs);
      killTimer.unref();
    },
  };
}
