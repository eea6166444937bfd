/** No retry waits longer than an hour. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * How long to wait after the `failedAttempts`-th failed attempt of a round: `baseMs × 2^(n-1)`,
 * spread by ±20 % so that endpoints that failed together do not all retry together, capped at
 * one hour. `random` is in [0, 1).
 */
export function retryDelayMs(
  failedAttempts: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(Math.min(nominal * (0.8 + 0.4 * random()), MAX_RETRY_DELAY_MS));
}
