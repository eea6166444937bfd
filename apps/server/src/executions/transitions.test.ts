import { describe, expect, it } from 'vitest';
import { ExecutionStatus } from '@xem/protocol';
import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  RETRYABLE,
  sourcesOf,
  TERMINAL,
  TRANSITIONS,
} from './transitions';

const ALL = ExecutionStatus.options;

describe('the execution transition table', () => {
  it('has a row for every status and only names known statuses', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(ALL).toContain(to);
  });

  it('follows the spec: approval → queue → dispatch → an end, agent loss, operator retry', () => {
    expect(canTransition('pending_approval', 'queued')).toBe(true);
    expect(canTransition('pending_approval', 'rejected')).toBe(true);
    expect(canTransition('queued', 'dispatched')).toBe(true);
    for (const end of ['completed', 'failed', 'timed_out', 'cancelled', 'ambiguous', 'queued'] as const) {
      expect(canTransition('dispatched', end), end).toBe(true);
    }
    for (const from of RETRYABLE) expect(canTransition(from, 'queued'), from).toBe(true);
    expect(canTransition('ambiguous', 'failed')).toBe(true);
  });

  it('refuses shortcuts: no dispatch without the queue, no approval bypass, no completing unsent work', () => {
    expect(canTransition('pending_approval', 'dispatched')).toBe(false);
    expect(canTransition('queued', 'completed')).toBe(false);
    expect(canTransition('queued', 'failed')).toBe(false);
    expect(canTransition('failed', 'completed')).toBe(false);
    expect(canTransition('ambiguous', 'completed')).toBe(false);
    expect(() => assertTransition('queued', 'completed')).toThrow(IllegalTransitionError);
  });

  it('terminal statuses lead nowhere and every other status leads somewhere', () => {
    for (const s of ALL) expect(TRANSITIONS[s].length === 0, s).toBe(TERMINAL.has(s));
  });

  it('sourcesOf is the inverse of the table (the WHERE of a conditional UPDATE)', () => {
    for (const to of ALL) {
      expect(sourcesOf(to).sort()).toEqual(ALL.filter((from) => canTransition(from, to)).sort());
    }
    expect(sourcesOf('queued').sort()).toEqual([
      'ambiguous',
      'dispatched',
      'failed',
      'pending_approval',
      'timed_out',
    ]);
    expect(sourcesOf('dispatched')).toEqual(['queued']);
  });
});
