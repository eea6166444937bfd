import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the base up to the cap, each delay in the upper half of its step', () => {
    const low = new Backoff(500, 4000, () => 0);
    expect([1, 2, 3, 4, 5].map(() => low.next())).toEqual([250, 500, 1000, 2000, 2000]);
    const high = new Backoff(500, 4000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([500, 1000, 2000, 4000, 4000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff(100, 10_000, () => 1);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});
