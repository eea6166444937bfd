import type { XemClient } from '@xem/client';
import type { ExecutionDetail, ExecutionStatus } from '@xem/protocol';

/** Statuses an execution does not leave on its own (retry and mark-failed are operator actions). */
export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set<ExecutionStatus>([
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'ambiguous',
]);

export const FIRST_POLL_MS = 100;
export const MAX_POLL_MS = 1_000;

export interface PollOptions {
  /** Give up after this long; absent means wait for as long as it takes. */
  timeoutMs?: number | undefined;
  /** Called with every answer, so callers can show progress. */
  onUpdate?: ((detail: ExecutionDetail) => void) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  now?: (() => number) | undefined;
}

export interface PollResult {
  detail: ExecutionDetail;
  /** False when the timeout passed first. */
  finished: boolean;
}

/**
 * Polls `GET …/executions/:id` until the status is terminal. The interval doubles from 100 ms
 * up to 1 s: quick tools answer almost at once, slow ones cost at most one request a second.
 */
export async function pollExecution(
  client: XemClient,
  executionId: string,
  opts: PollOptions = {},
): Promise<PollResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = opts.timeoutMs === undefined ? Infinity : now() + opts.timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const detail = await client.getExecution(executionId);
    opts.onUpdate?.(detail);
    if (TERMINAL_STATUSES.has(detail.status)) return { detail, finished: true };
    const left = deadline - now();
    if (left <= 0) return { detail, finished: false };
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}
