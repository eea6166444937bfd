import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentFrame } from '@xem/protocol';
import { LogStreamer } from './log-streamer';

type LogFrame = Extract<AgentFrame, { type: 'log' }>;
const ref = { execution_id: 'exe_1', attempt: 2 };

afterEach(() => vi.useRealTimers());

describe('LogStreamer', () => {
  it('coalesces writes per stream and sends them after the flush interval', () => {
    vi.useFakeTimers();
    const sent: LogFrame[] = [];
    const s = new LogStreamer((f) => sent.push(f), 250);
    s.push(ref, 'stdout', Buffer.from('a\n'));
    s.push(ref, 'stdout', Buffer.from('b\n'));
    s.push(ref, 'stderr', Buffer.from('warn\n'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([
      { type: 'log', ...ref, stream: 'stdout', data: 'a\nb\n' },
      { type: 'log', ...ref, stream: 'stderr', data: 'warn\n' },
    ]);
  });

  it('keeps a character split across writes whole, and finish sends the rest at once', () => {
    const sent: LogFrame[] = [];
    const s = new LogStreamer((f) => sent.push(f), 60_000);
    const bytes = Buffer.from('né', 'utf8');
    s.push(ref, 'stdout', bytes.subarray(0, 2));
    s.push(ref, 'stdout', bytes.subarray(2));
    s.finish(ref);
    expect(sent.map((f) => f.data).join('')).toBe('né');
    s.finish(ref);
    expect(sent).toHaveLength(1);
  });

  it('splits large output into frames the protocol accepts', () => {
    const sent: LogFrame[] = [];
    const s = new LogStreamer((f) => sent.push(f), 60_000);
    s.push(ref, 'stdout', Buffer.from('x'.repeat(150_000)));
    s.finish(ref);
    expect(sent.map((f) => f.data.length)).toEqual([60_000, 60_000, 30_000]);
  });
});
