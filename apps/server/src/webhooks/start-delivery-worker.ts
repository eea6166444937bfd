import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { attemptDelivery } from './attempt-delivery';
import { claimDueDeliveries, msUntilNextDue, type ClaimedDelivery } from './claim-deliveries';
import { WEBHOOKS_CHANNEL } from './fan-out-events';

/** Attempts in flight at once per process; one slow endpoint cannot hold up the others. */
export const MAX_IN_FLIGHT = 16;

/**
 * This process's webhook sender. States: idle (a timer armed for the next due delivery, capped
 * at the event poll interval, XEM_STREAM_POLL_INTERVAL_MS) → claiming (takes due deliveries into free slots, `SKIP LOCKED`, so
 * replicas never take the same one) → idle; each taken delivery is sent and recorded in its
 * slot, and a freed slot claims again. Wake-ups: NOTIFY xem_webhooks (the fan-out queued
 * deliveries anywhere), the timer, a freed slot. Stopped: no more claims; stop() waits for the
 * attempts in flight, each bounded by XEM_WEBHOOK_TIMEOUT_MS.
 */
export function startDeliveryWorker(
  deps: Pick<AppDeps, 'db' | 'config' | 'listen'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let claiming: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const send = (d: ClaimedDelivery): void => {
    const p: Promise<void> = attemptDelivery(deps, d)
      .then(() => undefined)
      .catch((err: unknown) => log?.error({ err, delivery_id: d.id }, 'recording a webhook attempt failed'))
      .finally(() => {
        inFlight.delete(p);
        wake();
      });
    inFlight.add(p);
  };

  const armIn = (ms: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(wake, ms);
    timer.unref();
  };

  const claim = async (): Promise<void> => {
    do {
      again = false;
      try {
        let full = false;
        for (;;) {
          const free = MAX_IN_FLIGHT - inFlight.size;
          if (stopped) return;
          if (free <= 0) {
            full = true;
            break;
          }
          const taken = await claimDueDeliveries(deps.db, free, deps.config.webhooks.timeoutMs);
          for (const d of taken) send(d);
          if (taken.length < free) break;
        }
        // All slots busy: the next one to finish wakes the worker; a timer would only spin.
        const poll = deps.config.events.pollIntervalMs;
        const next = full ? poll : await msUntilNextDue(deps.db);
        if (!stopped) armIn(next === null ? poll : Math.min(next + 5, poll));
      } catch (err) {
        log?.error({ err }, 'claiming webhook deliveries failed; retrying at the next poll');
        if (!stopped) armIn(deps.config.events.pollIntervalMs);
      }
    } while (again && !stopped);
  };

  function wake(): void {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = claim().finally(() => {
      claiming = null;
    });
  }

  const unlisten = deps.listen(WEBHOOKS_CHANNEL, wake).catch((err: unknown) => {
    log?.error({ err }, 'cannot LISTEN for webhook notifications; relying on the poll');
    return null;
  });
  wake();

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await (
      await unlisten
    )?.();
    await claiming;
    await Promise.all([...inFlight]);
  };
}
