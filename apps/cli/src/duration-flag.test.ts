import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration-flag';

describe('parseDuration', () => {
  it.each([
    ['60s', 60_000],
    ['60', 60_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['5m', 300_000],
    ['2h', 7_200_000],
  ])('%s → %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['', 'soon', '-5s', '0', '0s', '5d', '1 m'])('refuses %j', (value) => {
    expect(() => parseDuration(value)).toThrow(InvalidArgumentError);
  });
});
