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

export async function recordLoginFailure(db: Kysely<Database>, key: string, limits: ThrottleLimits): Promise<void> {
  // One statement: restart the window if it lapsed, count the failure, block past the limit.
  await sql`
    INSERT INTO login_throttles AS t (key, failures, window_started_at, blocked_until)
    VALUES (${key}, 1, now(), NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.window_started_at < now() - make_interval(secs => ${limits.windowSeconds})
                      THEN 1 ELSE t.failures + 1 END,
      window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => ${limits.windowSeconds})
                      THEN now() ELSE t.window_started_at END`.execute(db);
  await sql`
    UPDATE login_throttles SET blocked_until = now() + make_interval(secs =>
      least(${limits.maxBlockSeconds}::float8, 30 * power(2, least(failures - ${limits.maxFailures}, 20))))
    WHERE key = ${key} AND failures >= ${limits.maxFailures}`.execute(db);
}

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_throttles').where('key', '=', key).execute();
}
