import type { SseEvent } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser';

interface Parsed {
  events: SseEvent[];
  retries: number[];
  /** `lastEventId` after each event, as the stream client reads it. */
  idsAfter: string[];
  lastEventId: string;
}

function parse(chunks: Array<Uint8Array | string>, initialId = ''): Parsed {
  const out: Parsed = { events: [], retries: [], idsAfter: [], lastEventId: '' };
  const parser: SseParser = new SseParser(
    {
      onEvent: (e) => {
        out.events.push(e);
        out.idsAfter.push(parser.lastEventId);
      },
      onRetry: (ms) => out.retries.push(ms),
    },
    initialId,
  );
  for (const c of chunks) parser.push(typeof c === 'string' ? new TextEncoder().encode(c) : c);
  parser.end();
  out.lastEventId = parser.lastEventId;
  return out;
}

const ev = (event: string, data: string, id: string | null = null): SseEvent => ({ event, id, data });

/** Every line ending the spec allows, multi-byte text (2, 3 and 4 bytes), comments, retry, ids. */
const SAMPLE =
  '\uFEFFretry: 2000\r\n' +
  ': keep-alive comment\n' +
  'event: x_exec.connection.connected\r' +
  'data: {"connection_id":"conn_é"}\r\n' +
  '\r\n' +
  'id: 41\n' +
  'event: x_exec.execution.started\n' +
  'data: {"tool":"echo €"}\n' +
  '\n' +
  'event: x_exec.connection.heartbeat\r' +
  'data: line one 🚀\r' +
  'data:line two\r' +
  'data\r' +
  '\r' +
  'id: 42\r\n' +
  'data: last\r\n' +
  '\r\n';

const SAMPLE_EVENTS: SseEvent[] = [
  ev('x_exec.connection.connected', '{"connection_id":"conn_é"}'),
  ev('x_exec.execution.started', '{"tool":"echo €"}', '41'),
  ev('x_exec.connection.heartbeat', 'line one 🚀\nline two\n'),
  ev('message', 'last', '42'),
];

describe('SseParser', () => {
  it('parses the sample in one chunk', () => {
    const r = parse([SAMPLE]);
    expect(r.events).toEqual(SAMPLE_EVENTS);
    expect(r.retries).toEqual([2000]);
    expect(r.idsAfter).toEqual(['', '41', '41', '42']);
  });

  it('gives the same result whichever byte the body is split at', () => {
    const bytes = new TextEncoder().encode(SAMPLE);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(r.events, `split at byte ${cut}`).toEqual(SAMPLE_EVENTS);
      expect(r.retries, `split at byte ${cut}`).toEqual([2000]);
    }
  });

  it('gives the same result one byte at a time', () => {
    const bytes = new TextEncoder().encode(SAMPLE);
    const r = parse([...bytes].map((b) => Uint8Array.of(b)));
    expect(r.events).toEqual(SAMPLE_EVENTS);
    expect(r.idsAfter).toEqual(['', '41', '41', '42']);
  });

  it('treats CR then LF in the next chunk as one line ending, not two', () => {
    // Were the LF counted as a second line ending, the blank line would dispatch "a" alone.
    const r = parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(r.events).toEqual([ev('message', 'a\nb')]);
  });

  it('joins data lines with LF and strips only one leading space', () => {
    const r = parse(['data:  two spaces\ndata:\ndata: x:y\n\n']);
    expect(r.events).toEqual([ev('message', ' two spaces\n\nx:y')]);
  });

  it('dispatches a block whose only data line is empty, and skips a block without data', () => {
    const r = parse(['event: ping\n\ndata:\n\n']);
    expect(r.events).toEqual([ev('message', '')]);
  });

  it('ignores comments, unknown fields and field names in another case', () => {
    const r = parse([':comment\nfoo: bar\nData: nope\nEVENT: nope\ndata: ok\n\n']);
    expect(r.events).toEqual([ev('message', 'ok')]);
  });

  it('accepts only ASCII digits in retry', () => {
    const r = parse(['retry: 15\nretry: 1.5\nretry: -1\nretry: 12ms\nretry:\nretry: 300\n\n']);
    expect(r.retries).toEqual([15, 300]);
    expect(r.events).toEqual([]);
  });

  it('keeps the last event id across blocks without id, and lets an empty id clear it', () => {
    const r = parse(['id: 7\ndata: a\n\n', 'data: b\n\n', 'id\ndata: c\n\n', 'id: 9\ndata: d\n\n'], '3');
    expect(r.events.map((e) => e.id)).toEqual(['7', null, '', '9']);
    expect(r.idsAfter).toEqual(['7', '7', '', '9']);
  });

  it('starts from the id it is given', () => {
    const r = parse(['data: a\n\n'], '123');
    expect(r.events[0]!.id).toBeNull();
    expect(r.lastEventId).toBe('123');
  });

  it('ignores an id containing NUL', () => {
    const r = parse(['id: 5\ndata: a\n\n', 'id: 6\0x\ndata: b\n\n']);
    expect(r.events.map((e) => e.id)).toEqual(['5', null]);
    expect(r.lastEventId).toBe('5');
  });

  it('sets the last event id from a block with an id and no data, without dispatching', () => {
    const r = parse(['id: 8\n\n']);
    expect(r.events).toEqual([]);
    expect(r.lastEventId).toBe('8');
  });

  it('discards an event the body ends in the middle of, and an unfinished id', () => {
    const r = parse(['id: 1\ndata: done\n\n', 'id: 2\ndata: cut off\n']);
    expect(r.events).toEqual([ev('message', 'done', '1')]);
    expect(r.lastEventId).toBe('1');
  });

  it('strips a BOM only at the start of the stream', () => {
    const r = parse(['\uFEFFdata: a\n\n\uFEFFdata: b\n\n']);
    // The second BOM is part of a field name, so that line is an unknown field.
    expect(r.events).toEqual([ev('message', 'a')]);
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const r = parse([Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a)]);
    expect(r.events).toEqual([ev('message', '\uFFFD')]);
  });
});
