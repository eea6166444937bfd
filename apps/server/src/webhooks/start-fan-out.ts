import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { FAN_OUT_BATCH, fanOutEvents } from './fan-out-events';

/**
 * This process's webhook fan-out. States: idle → running (batch after batch, each in its own
 * transaction, until caught up with the event hub's watermark or another replica holds the
 * cursor) → idle. Wake-ups: new events from the event hub (one read of `events` per process,
 * itself woken by NOTIFY xem_events) and every hub poll as the backstop; they coalesce, a wake
 * while running schedules one more pass. Stopped: stop() waits for the running pass.
 */
export async function startFanOut(
  deps: Pick<AppDeps, 'db' | 'hub'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): Promise<() => Promise<void>> {
  let stopped = false;
  let again = false;
  let running: Promise<void> | null = null;

  // The shared cursor only moves forward: once a pass got it to a watermark, an idle poll with
  // the same watermark has nothing to do and need not lock the cursor row again.
  let caughtUpTo = -1n;
  const pass = async (): Promise<void> => {
    for (;;) {
      const watermark = await deps.hub.watermark();
      if (watermark <= caughtUpTo) return;
      const read = await fanOutEvents(deps.db, watermark);
      if (read === 'busy' || stopped) return;
      if (read < FAN_OUT_BATCH) {
        caughtUpTo = watermark;
        return;
      }
    }
  };

  const wake = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (err) {
          log?.error({ err }, 'webhook fan-out failed; retrying at the next wake-up');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const sub = await deps.hub.subscribe({ onEvents: wake, onPoll: wake });
  wake();
  return async () => {
    stopped = true;
    sub.unsubscribe();
    await running;
  };
}
