import type { AppDeps } from '../app-deps';
import type { ClaimedDelivery } from './claim-deliveries';
import { recordAttempt } from './record-attempt';
import { sendDelivery, type AttemptOutcome } from './send-delivery';

/** One attempt of a claimed delivery, sent and recorded; the worker and the test/redeliver routes share it. */
export async function attemptDelivery(
  deps: Pick<AppDeps, 'db' | 'config'>,
  d: ClaimedDelivery,
): Promise<AttemptOutcome> {
  const { webhooks } = deps.config;
  const outcome = await sendDelivery(d, webhooks);
  await recordAttempt(deps.db, d, outcome, webhooks);
  return outcome;
}
