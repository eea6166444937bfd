import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DispatchFrame, ResultFrame } from '@xem/protocol';
import { createLogger } from './logger';

export const silentLog = createLogger('silent');

/** Temp directories removed by the returned cleanup (call it in afterEach). */
export function tempDirs(): { make(prefix?: string): string; cleanup(): void } {
  const made: string[] = [];
  return {
    make(prefix = 'xem-agent-') {
      const d = mkdtempSync(join(tmpdir(), prefix));
      made.push(d);
      return d;
    },
    cleanup() {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

let seq = 0;
export function dispatch(
  tool: string,
  args: Record<string, unknown> = {},
  over: Partial<DispatchFrame> = {},
): DispatchFrame {
  seq++;
  return {
    type: 'dispatch',
    execution_id: `exe_test${seq}`,
    attempt: 1,
    tool,
    args,
    workspace_id: 'ws_test',
    timeout_ms: 10_000,
    ...over,
  };
}

/** Collects results and lets a test wait for the one of an execution. */
export function resultSink() {
  const results: ResultFrame[] = [];
  const waiters = new Map<string, (r: ResultFrame) => void>();
  return {
    results,
    onResult(r: ResultFrame) {
      results.push(r);
      waiters.get(r.execution_id)?.(r);
    },
    wait(executionId: string): Promise<ResultFrame> {
      const found = results.find((r) => r.execution_id === executionId);
      if (found) return Promise.resolve(found);
      return new Promise((ok) => waiters.set(executionId, ok));
    },
  };
}
