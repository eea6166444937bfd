import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { DISPATCH_CHANNEL } from '../channel/notify-agent';
import { dispatchPass } from './dispatch-pass';

/**
 * This process's dispatcher. States: idle → running (one dispatch pass at a time) → idle.
 * Wakeups — NOTIFY xem_dispatch (work queued or capacity freed anywhere), the backstop poll
 * every XEM_DISPATCH_POLL_INTERVAL_MS (notifications lost while LISTEN was down), and the
 * start itself — coalesce: a wake while running schedules exactly one more pass. Stopped:
 * no more passes; stop() waits for the running one.
 */
export function startDispatcher(
  deps: Pick<AppDeps, 'db' | 'registry' | 'listen' | 'config'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  let stopped = false;
  let again = false;
  let running: Promise<void> | null = null;

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
          await dispatchPass(deps);
        } catch (err) {
          log?.error({ err }, 'dispatch pass failed; retrying at the next wakeup');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const unlisten = deps.listen(DISPATCH_CHANNEL, wake).catch((err: unknown) => {
    log?.error({ err }, 'cannot LISTEN for dispatch notifications; relying on the poll');
    return null;
  });
  const timer = setInterval(wake, deps.config.dispatchPollIntervalMs);
  timer.unref();
  wake();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await (
      await unlisten
    )?.();
    await running;
  };
}
