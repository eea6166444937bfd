import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DispatchFrame, ResultFrame } from '@xem/protocol';
import { z } from 'zod';
import type { BuiltinTool } from './builtin-tools';
import type { BundleToolSpec } from './bundles';
import type { Logger } from './logger';
import { runChild } from './run-child';

export type ToolSpec = { kind: 'builtin'; tool: BuiltinTool } | { kind: 'bundle'; spec: BundleToolSpec };
type Outcome = ResultFrame['outcome'];
/**
 * Why the agent stopped a run before it ended by itself. `superseded`: the router dispatched a
 * newer attempt of the same execution, so it has given this one up; its result is not reported.
 */
type StopReason = 'timed_out' | 'cancelled' | 'abandoned' | 'superseded';

export interface RunnerOptions {
  tools: () => ReadonlyMap<string, ToolSpec>;
  maxConcurrent: number;
  maxOutputBytes: number;
  credentialsDir: string;
  fileRoot: string;
  /** Environment handed to tools, already without the agent's own `XEM_*` settings (secrets). */
  baseEnv: NodeJS.ProcessEnv;
  killGraceMs?: number;
  onResult: (result: ResultFrame) => void;
  /** Progress a bundle tool reported on `XEM_PROGRESS_FD` (lines of JSON). */
  onProgress?: (ref: { execution_id: string; attempt: number }, progress: Progress) => void;
  /** Output of bundle tools as it arrives (within the cap), for live logs. */
  onOutput?: (
    ref: { execution_id: string; attempt: number },
    stream: 'stdout' | 'stderr',
    chunk: Buffer,
  ) => void;
  log: Logger;
}

interface Running {
  execution_id: string;
  attempt: number;
  stop(reason: StopReason): void;
  done: Promise<void>;
}

const key = (id: string, attempt: number) => `${id}#${attempt}`;

export interface Progress {
  percent?: number;
  message?: string;
}

const ProgressLine = z
  .object({ percent: z.number().min(0).max(100).optional(), message: z.string().max(2000).optional() })
  .refine((p) => p.percent !== undefined || p.message !== undefined);

/** `{"percent": 40, "message": "copying"}`; anything else on the progress fd is ignored. */
function parseProgress(line: string): Progress | undefined {
  try {
    const parsed = ProgressLine.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Runs dispatched executions, at most `maxConcurrent` at once. States: accepting → draining
 * (stopAccepting: new dispatches are refused, running ones go on). Each run ends exactly once
 * with one result: its own exit (completed/failed) or the first stop reason given to it
 * (timed_out at its timeout, cancelled by the router, abandoned by shutdown or a lost lease).
 */
export class Runner {
  private readonly running = new Map<string, Running>();
  private accepting = true;
  private readonly killGraceMs: number;

  constructor(private readonly opts: RunnerOptions) {
    this.killGraceMs = opts.killGraceMs ?? 2000;
  }

  get inFlight(): { execution_id: string; attempt: number }[] {
    return [...this.running.values()].map(({ execution_id, attempt }) => ({ execution_id, attempt }));
  }

  get size(): number {
    return this.running.size;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  /** Resolves once nothing runs (at once when idle). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.race([...this.running.values()].map((r) => r.done));
  }

  start(d: DispatchFrame): void {
    const k = key(d.execution_id, d.attempt);
    if (this.running.has(k)) {
      this.opts.log.warn({ execution_id: d.execution_id, attempt: d.attempt }, 'duplicate dispatch ignored');
      return;
    }
    const refuse = (code: string, message: string) => {
      this.opts.log.warn({ execution_id: d.execution_id, attempt: d.attempt, code }, message);
      this.opts.onResult(result(d, 'failed', null, '', '', false, 0, { code, message }));
    };
    for (const [otherKey, r] of this.running) {
      if (r.execution_id !== d.execution_id || r.attempt >= d.attempt) continue;
      this.opts.log.warn(
        { execution_id: d.execution_id, attempt: r.attempt, newer_attempt: d.attempt },
        'router dispatched a newer attempt: stopping the older one, which it no longer counts',
      );
      r.stop('superseded');
      // Its slot is the router's to reuse now; the process is gone within the kill grace.
      this.running.delete(otherKey);
    }
    if (!this.accepting) return refuse('agent_draining', 'the agent is shutting down and takes no new work');
    if (this.running.size >= this.opts.maxConcurrent)
      return refuse(
        'agent_busy',
        `the agent already runs ${this.running.size} executions (XEM_MAX_CONCURRENT_EXECUTIONS=${this.opts.maxConcurrent})`,
      );
    const tool = this.opts.tools().get(d.tool);
    if (!tool) return refuse('tool_not_found', `this agent has no tool named ${d.tool}`);

    const started = performance.now();
    let reason: StopReason | undefined;
    const run = tool.kind === 'builtin' ? this.runBuiltin(tool.tool, d) : this.runBundle(tool.spec, d);
    const timer = setTimeout(() => entry.stop('timed_out'), d.timeout_ms);
    const entry: Running = {
      execution_id: d.execution_id,
      attempt: d.attempt,
      stop: (why) => {
        if (reason) return;
        reason = why;
        run.stop();
      },
      done: run.done.then((exit) => {
        clearTimeout(timer);
        this.running.delete(k);
        const ms = Math.round(performance.now() - started);
        if (reason === 'superseded') return;
        const outcome: Outcome = reason ?? (exit.exitCode === 0 ? 'completed' : 'failed');
        this.opts.log.info(
          {
            execution_id: d.execution_id,
            attempt: d.attempt,
            tool: d.tool,
            outcome,
            exit_code: exit.exitCode,
            ms,
          },
          'execution finished',
        );
        this.opts.onResult(
          result(
            d,
            outcome,
            exit.exitCode,
            exit.stdout,
            exit.stderr,
            exit.truncated,
            ms,
            errorFor(outcome, d, exit),
          ),
        );
      }),
    };
    this.running.set(k, entry);
    this.opts.log.info(
      { execution_id: d.execution_id, attempt: d.attempt, tool: d.tool },
      'execution started',
    );
  }

  /** Stops one run at the router's request; false when it is not running here. */
  cancel(executionId: string, attempt: number): boolean {
    const r = this.running.get(key(executionId, attempt));
    if (!r) return false;
    r.stop('cancelled');
    return true;
  }

  /** Stops every run; each reports `abandoned`. Resolves when all results were handed over. */
  async abandonAll(): Promise<void> {
    for (const r of this.running.values()) r.stop('abandoned');
    await this.idle();
  }

  private runBundle(spec: BundleToolSpec, d: DispatchFrame) {
    const env: NodeJS.ProcessEnv = {
      ...this.opts.baseEnv,
      XEM_TOOL_NAME: d.tool,
      XEM_EXECUTION_ID: d.execution_id,
      XEM_WORKSPACE_ID: d.workspace_id,
      XEM_FILE_ROOT: this.opts.fileRoot,
      XEM_MAX_OUTPUT_BYTES: String(this.opts.maxOutputBytes),
      XEM_PROGRESS_FD: '3',
    };
    // Looked up per run, so a replaced credentials file applies to the next run without a reload.
    if (SAFE_ID.test(d.workspace_id)) {
      const file = join(this.opts.credentialsDir, d.workspace_id);
      if (existsSync(file)) env.XEM_CREDENTIALS_FILE = file;
    }
    const child = runChild({
      argv: spec.command,
      cwd: spec.bundleDir,
      env,
      stdin: JSON.stringify(d.args),
      maxOutputBytes: this.opts.maxOutputBytes,
      killGraceMs: this.killGraceMs,
      onOutput: (stream, chunk) =>
        this.opts.onOutput?.({ execution_id: d.execution_id, attempt: d.attempt }, stream, chunk),
      onProgressLine: (line) => {
        const p = parseProgress(line);
        if (p) this.opts.onProgress?.({ execution_id: d.execution_id, attempt: d.attempt }, p);
      },
    });
    return { done: child.done, stop: child.stop };
  }

  private runBuiltin(tool: BuiltinTool, d: DispatchFrame) {
    const abort = new AbortController();
    const done = tool.run(d.args, abort.signal).then(
      (out) => ({ ...out, truncated: false, signal: null }),
      (err: Error) => ({
        exitCode: null,
        stdout: '',
        stderr: abort.signal.aborted ? 'stopped\n' : `${err.message}\n`,
        truncated: false,
        signal: null,
      }),
    );
    return { done, stop: () => abort.abort() };
  }
}

function result(
  d: DispatchFrame,
  outcome: Outcome,
  exitCode: number | null,
  stdout: string,
  stderr: string,
  truncated: boolean,
  durationMs: number,
  error: { code: string; message: string } | undefined,
): ResultFrame {
  return {
    type: 'result',
    execution_id: d.execution_id,
    attempt: d.attempt,
    outcome,
    exit_code: exitCode,
    stdout,
    stderr,
    truncated,
    duration_ms: durationMs,
    ...(error ? { error } : {}),
  };
}

function errorFor(
  outcome: Outcome,
  d: DispatchFrame,
  exit: { exitCode: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError?: string },
): { code: string; message: string } | undefined {
  switch (outcome) {
    case 'completed':
      return undefined;
    case 'timed_out':
      return {
        code: 'timed_out',
        message: `${d.tool} ran longer than its timeout of ${d.timeout_ms} ms and was stopped`,
      };
    case 'cancelled':
      return { code: 'cancelled', message: `${d.tool} was stopped on request` };
    case 'abandoned':
      return {
        code: 'abandoned',
        message: `the agent stopped ${d.tool} before it finished (shutdown or lost lease)`,
      };
    case 'failed': {
      if (exit.spawnError)
        return { code: 'tool_start_failed', message: `${d.tool} could not start: ${exit.spawnError}` };
      const lastLine = exit.stderr.trim().split('\n').pop()?.slice(0, 500);
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
      return { code: 'tool_failed', message: `${d.tool} ${how}${lastLine ? `: ${lastLine}` : ''}` };
    }
  }
}
