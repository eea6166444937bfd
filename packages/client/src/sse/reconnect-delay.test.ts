import { describe, expect, it } from 'vitest';
import { reconnectDelayMs, retryAfterMs } from './reconnect-delay';

const input = { baseMs: 2000, maxMs: 30_000, retryAfterMs: null };

describe('reconnectDelayMs', () => {
  it('doubles per failure from the base, jittered within the upper half', () => {
    expect(reconnectDelayMs({ ...input, failures: 1, random: () => 0 })).toBe(1000);
    expect(reconnectDelayMs({ ...input, failures: 1, random: () => 0.999999 })).toBe(2000);
    expect(reconnectDelayMs({ ...input, failures: 3, random: () => 0 })).toBe(4000);
    expect(reconnectDelayMs({ ...input, failures: 3, random: () => 0.5 })).toBe(6000);
  });

  it('stops growing at the cap, even after very many failures', () => {
    expect(reconnectDelayMs({ ...input, failures: 10, random: () => 0.999999 })).toBe(30_000);
    expect(reconnectDelayMs({ ...input, failures: 5000, random: () => 0 })).toBe(15_000);
  });

  it('never comes before Retry-After, which may exceed the cap', () => {
    expect(reconnectDelayMs({ ...input, failures: 1, retryAfterMs: 120_000, random: () => 0 })).toBe(120_000);
    expect(reconnectDelayMs({ ...input, failures: 4, retryAfterMs: 1000, random: () => 0 })).toBe(8000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
  });
});
