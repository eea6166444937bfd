import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';

export interface ThrottleLimits {
  maxFailures: number;
  windowSeconds: number;
  maxBlockSeconds: number;
}

/**
 * Failed-login counters per key (`acct:<email>`, `ip:<addr>`), on the database clock so every
 * replica agrees. Past the limit a key is blocked for a time that doubles with each further
 * failure, capped at maxBlockSeconds: an account is slowed down, never locked for good.
 *
 * An attempt is counted as a failure before the password is checked (claimLoginAttempt) and
 * given back when it succeeds, so parallel guesses cannot all pass the check before the first
 * failure is written.
 */
export async function assertNotThrottled(db: Kysely<Database>, keys: string[]): Promise<void> {
  const rows = await db
    .selectFrom('login_throttles')
    .select(['key', sql<number>`ceil(extract(epoch from blocked_until - now()))::int`.as('retry')])
    .where('key', 'in', keys)
    .where('blocked_until', '>', sql<Date>`now()`)
    .execute();
  const retry = Math.max(0, ...rows.map((r) => r.retry));
  if (rows.length > 0) {
    throw new AppError('rate_limited', `too many failed sign-in attempts; try again in ${retry} s`, {
      retryAfterSeconds: Math.max(1, retry),
    });
  }
}

const BLOCKED = Symbol('blocked');

/**
 * Counts one attempt against every key, all or none. Returns false, counting nothing, when a
 * key is blocked. The attempt that reaches a key's limit starts the block at once; one conditional
 * upsert per key decides races between parallel attempts.
 */
export async function claimLoginAttempt(
  db: Kysely<Database>,
  claims: { key: string; limits: ThrottleLimits }[],
): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      for (const { key, limits } of claims) {
        const lapsed = sql`t.window_started_at < now() - make_interval(secs => ${limits.windowSeconds})`;
        const failures = sql`CASE WHEN ${lapsed} THEN 1 ELSE t.failures + 1 END`;
        const blockFor = (n: ReturnType<typeof sql>) => sql`CASE WHEN ${n} >= ${limits.maxFailures}
          THEN now() + make_interval(secs => least(${limits.maxBlockSeconds}::float8,
                 30 * power(2, least(${n} - ${limits.maxFailures}, 20))))
          ELSE NULL END`;
        const res = await sql<{ failures: number }>`
          INSERT INTO login_throttles AS t (key, failures, window_started_at, blocked_until)
          VALUES (${key}, 1, now(), ${blockFor(sql`1`)})
          ON CONFLICT (key) DO UPDATE SET
            failures = ${failures},
            window_started_at = CASE WHEN ${lapsed} THEN now() ELSE t.window_started_at END,
            blocked_until = ${blockFor(failures)}
          WHERE t.blocked_until IS NULL OR t.blocked_until <= now()
          RETURNING t.failures`.execute(trx);
        if (res.rows.length === 0) throw BLOCKED;
      }
    });
    return true;
  } catch (err) {
    if (err === BLOCKED) return false;
    throw err;
  }
}

/** Gives back a claimed attempt that succeeded; lifts the block if it was this attempt's doing. */
export async function releaseLoginAttempt(
  db: Kysely<Database>,
  key: string,
  limits: ThrottleLimits,
): Promise<void> {
  await sql`
    UPDATE login_throttles SET
      failures = greatest(failures - 1, 0),
      blocked_until = CASE WHEN failures - 1 < ${limits.maxFailures} THEN NULL ELSE blocked_until END
    WHERE key = ${key}`.execute(db);
}

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_throttles').where('key', '=', key).execute();
}
