import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { startDeliveryWorker } from './start-delivery-worker';
import { startFanOut } from './start-fan-out';

/**
 * Starts this process's webhook loops: the fan-out (events → deliveries) and the delivery
 * worker (deliveries → HTTP). The returned function stops both and waits for attempts in flight.
 */
export async function startWebhookLoops(
  deps: Pick<AppDeps, 'db' | 'hub' | 'listen' | 'config'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): Promise<() => Promise<void>> {
  const stopFanOut = await startFanOut(deps, log);
  const stopWorker = startDeliveryWorker(deps, log);
  return async () => {
    await Promise.all([stopFanOut(), stopWorker()]);
  };
}
