import { describe, expect, it } from 'vitest';
import { parseTimeFlag } from './time-flag';

const now = new Date('2026-03-10T12:00:00.000Z');

describe('parseTimeFlag', () => {
  it('reads durations back from now', () => {
    expect(parseTimeFlag('90m', now)).toBe('2026-03-10T10:30:00.000Z');
    expect(parseTimeFlag('2h', now)).toBe('2026-03-10T10:00:00.000Z');
    expect(parseTimeFlag('7d', now)).toBe('2026-03-03T12:00:00.000Z');
  });

  it("reads durations forward from now with direction 'ahead'", () => {
    expect(parseTimeFlag('8h', now, 'ahead')).toBe('2026-03-10T20:00:00.000Z');
    expect(parseTimeFlag('1w', now, 'ahead')).toBe('2026-03-17T12:00:00.000Z');
    expect(parseTimeFlag('2026-04-01', now, 'ahead')).toBe('2026-04-01T00:00:00.000Z');
  });

  it('reads dates as midnight UTC and RFC 3339 times with their offset', () => {
    expect(parseTimeFlag('2026-01-31', now)).toBe('2026-01-31T00:00:00.000Z');
    expect(parseTimeFlag('2026-01-31T12:00:00+02:00', now)).toBe('2026-01-31T10:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['yesterday', '2026-13-45', '2026-01-31T12:00:00', '5y', '']) {
      expect(() => parseTimeFlag(bad, now)).toThrow(/expected a time/);
    }
  });
});
