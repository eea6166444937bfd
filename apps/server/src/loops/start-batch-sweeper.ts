import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs `sweepBatch` every `intervalMs`, repeating at once while a batch comes back full (more is
 * waiting). States: idle (timer armed) → sweeping (batch after batch) → idle; stop() disarms
 * the timer and waits for a running sweep. A failed sweep is logged and retried next interval.
 */
export function startBatchSweeper(opts: {
  name: string;
  intervalMs: number;
  batchSize: number;
  sweepBatch: () => Promise<number>;
  log?: Pick<FastifyBaseLogger, 'error'> | undefined;
}): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      let swept = opts.batchSize;
      while (!stopped && swept === opts.batchSize) swept = await opts.sweepBatch();
    } catch (err) {
      opts.log?.error({ err }, `${opts.name} failed; retrying at the next interval`);
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), opts.intervalMs);
  };
  timer = setTimeout(() => (running = tick()), opts.intervalMs);

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
