import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** A delivery taken for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  /** Number of this attempt over the delivery's life (the history key). */
  attempt: number;
  /** Number of this attempt within its round (drives backoff and giving up). */
  roundAttempt: number;
  url: string;
  secret: string;
  envelopeId: string;
  body: string;
  /** Database clock when it was taken. */
  startedAt: Date;
}

/** Sending may take the timeout; the lease adds a margin before another worker may take over. */
export function leaseMs(timeoutMs: number): number {
  return timeoutMs + 30_000;
}

export interface ClaimedRow {
  id: string;
  webhook_id: string;
  attempts: number;
  round_attempts: number;
  envelope_id: string;
  body: string;
  url: string;
  secret: string;
  started_at: Date;
}

export function toClaimed(r: ClaimedRow): ClaimedDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    attempt: r.attempts,
    roundAttempt: r.round_attempts,
    url: r.url,
    secret: r.secret,
    envelopeId: r.envelope_id,
    body: r.body,
    startedAt: r.started_at,
  };
}

/**
 * Takes up to `limit` due deliveries of enabled endpoints (`next_attempt_at <= now()` on the
 * database clock), oldest due first, skipping rows another worker holds. Taking one counts the
 * attempt and moves `next_attempt_at` to the end of a lease: if this process dies mid-attempt,
 * the delivery is due again once the lease ends, and the lost attempt still counts.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  limit: number,
  timeoutMs: number,
): Promise<ClaimedDelivery[]> {
  const r = await sql<ClaimedRow>`
    WITH due AS (
      SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.enabled
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries d
    SET attempts = d.attempts + 1, round_attempts = d.round_attempts + 1, updated_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseMs(timeoutMs) / 1000})
    FROM due, webhooks w
    WHERE d.id = due.id AND w.id = d.webhook_id
    RETURNING d.id, d.webhook_id, d.attempts, d.round_attempts, d.envelope_id, d.body, w.url, w.secret,
      now() AS started_at`.execute(db);
  return r.rows.map(toClaimed);
}

/** Milliseconds until the next pending delivery of an enabled endpoint is due, or null if none. */
export async function msUntilNextDue(db: Kysely<Database>): Promise<number | null> {
  const r = await sql<{ ms: number | null }>`
    SELECT (extract(epoch FROM min(d.next_attempt_at) - now()) * 1000)::float8 AS ms
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND w.enabled`.execute(db);
  const ms = r.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}
