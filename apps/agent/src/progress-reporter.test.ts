import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressReporter } from './progress-reporter';

const ref = { execution_id: 'exe_1', attempt: 1 };
afterEach(() => vi.useRealTimers());

describe('ProgressReporter', () => {
  it('sends the first report at once, then at most one per interval with the latest report', () => {
    vi.useFakeTimers();
    const sent: unknown[] = [];
    const r = new ProgressReporter((f) => sent.push(f), 200);
    r.push(ref, { percent: 1 });
    r.push(ref, { percent: 2 });
    r.push(ref, { percent: 3, message: 'three' });
    expect(sent).toEqual([{ type: 'progress', ...ref, percent: 1 }]);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([
      { type: 'progress', ...ref, percent: 1 },
      { type: 'progress', ...ref, percent: 3, message: 'three' },
    ]);
  });

  it('flushes the last report on finish, and nothing after', () => {
    vi.useFakeTimers();
    const sent: unknown[] = [];
    const r = new ProgressReporter((f) => sent.push(f), 200);
    r.push(ref, { percent: 10 });
    r.push(ref, { percent: 99 });
    r.finish(ref);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });
});
