import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-delay';

describe('webhook retry delay', () => {
  it('doubles from the base after each failure (without jitter)', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, 5000, mid))).toEqual([
      5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000,
    ]);
  });

  it('spreads each delay by ±20 %', () => {
    expect(retryDelayMs(3, 1000, () => 0)).toBe(3200);
    expect(retryDelayMs(3, 1000, () => 0.999999)).toBe(4800);
  });

  it('never waits more than an hour', () => {
    expect(retryDelayMs(30, 5000, () => 0.999999)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(50, 3_600_000, () => 0)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
  });
});
