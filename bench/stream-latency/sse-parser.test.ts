import { describe, expect, it } from 'vitest';
import { SseParser, type SseFrame } from './sse-parser';

const stream =
  'retry: 2000\n\n' +
  'event: x_exec.connection.connected\ndata: {"delivery":"signal"}\n\n' +
  ': a comment\n' +
  'id: 41\nevent: x_exec.execution.completed\ndata: {"id":"exe_1"}\n\n' +
  'id: 42\r\nevent: x_exec.execution.failed\r\ndata: {"a":\r\ndata: 1}\r\n\r\n';

const expected: SseFrame[] = [
  { id: null, event: 'x_exec.connection.connected', data: '{"delivery":"signal"}' },
  { id: '41', event: 'x_exec.execution.completed', data: '{"id":"exe_1"}' },
  { id: '42', event: 'x_exec.execution.failed', data: '{"a":\n1}' },
];

function parse(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const p = new SseParser((f) => frames.push(f));
  for (const c of chunks) p.push(c);
  return frames;
}

describe('SseParser (bench clients)', () => {
  it('dispatches each frame with data once, skipping retry-only frames and comments', () => {
    expect(parse([stream])).toEqual(expected);
  });

  it('gives the same frames whatever the chunk boundaries (TCP splits anywhere)', () => {
    expect(parse([...stream])).toEqual(expected);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(parse([stream.slice(0, cut), stream.slice(cut)])).toEqual(expected);
    }
  });

  it('holds back a frame until its blank line arrives', () => {
    expect(parse(['id: 7\nevent: x\ndata: {}\n'])).toEqual([]);
  });
});
