import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ClaimedDelivery } from './claim-deliveries';
import { retryDelayMs } from './retry-delay';
import type { AttemptOutcome } from './send-delivery';

export interface RetryPolicy {
  /** Attempts per round (XEM_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  retryBaseMs: number;
}

/**
 * Stores the outcome of an attempt and its history row in one transaction: success ends the
 * delivery; a failure schedules the next attempt after the backoff, or gives up (`failed`) when
 * the round has used all its attempts. The update is conditional on the delivery still being at
 * this attempt, so an attempt whose lease ran out and was taken over is not recorded twice.
 * Returns false when it was not recorded (taken over, or the webhook was deleted meanwhile).
 */
export async function recordAttempt(
  db: Kysely<Database>,
  d: ClaimedDelivery,
  o: AttemptOutcome,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Promise<boolean> {
  const giveUp = !o.ok && d.roundAttempt >= policy.maxAttempts;
  const delaySeconds = retryDelayMs(d.roundAttempt, policy.retryBaseMs, random) / 1000;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_deliveries')
      .set({
        status: o.ok ? 'succeeded' : giveUp ? 'failed' : 'pending',
        next_attempt_at: o.ok || giveUp ? null : sql<Date>`now() + make_interval(secs => ${delaySeconds})`,
        last_status_code: o.statusCode,
        last_error: o.error,
        finished_at: o.ok || giveUp ? sql<Date>`now()` : null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', d.id)
      .where('attempts', '=', d.attempt)
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .insertInto('webhook_delivery_attempts')
      .values({
        delivery_id: d.id,
        attempt: d.attempt,
        started_at: d.startedAt,
        duration_ms: o.durationMs,
        status_code: o.statusCode,
        error: o.error,
        response_excerpt: o.responseExcerpt,
      })
      .execute();
    return true;
  });
}
