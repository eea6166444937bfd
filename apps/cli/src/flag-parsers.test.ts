import { describe, expect, it } from 'vitest';
import { intInRange, scopeList } from './flag-parsers';

describe('flag parsers', () => {
  it('checks whole numbers against their range', () => {
    const limit = intInRange(1, 500);
    expect(limit('20')).toBe(20);
    expect(() => limit('0')).toThrow(/between 1 and 500/);
    expect(() => limit('2.5')).toThrow(/whole number/);
  });

  it('checks and de-duplicates scopes', () => {
    expect(scopeList('execution, management,execution')).toEqual(['execution', 'management']);
    expect(() => scopeList('execution,admin')).toThrow(/unknown scope admin/);
    expect(() => scopeList(',')).toThrow(/at least one/);
  });
});
