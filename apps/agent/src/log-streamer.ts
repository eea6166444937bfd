import { StringDecoder } from 'node:string_decoder';
import type { AgentFrame } from '@xem/protocol';

type Stream = 'stdout' | 'stderr';
type LogFrame = Extract<AgentFrame, { type: 'log' }>;
interface Ref {
  execution_id: string;
  attempt: number;
}

/** Largest `data` of one log frame (the protocol allows 65 536 characters). */
const MAX_FRAME_CHARS = 60_000;

interface Pending {
  ref: Ref;
  stream: Stream;
  decoder: StringDecoder;
  text: string;
}

/**
 * Live output: tool output is forwarded as `log` frames, coalesced per run and stream and sent at
 * most every `flushMs`, so a chatty tool costs the router a few inserts a second, not one per
 * write. Best effort: frames that cannot be sent (no connection) are dropped, since the result
 * carries the full output anyway. A run's logs must be flushed before its result is sent: the
 * router refuses logs for a finished attempt.
 */
export class LogStreamer {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (frame: LogFrame) => void,
    private readonly flushMs = 250,
  ) {}

  push(ref: Ref, stream: Stream, chunk: Buffer): void {
    const k = `${ref.execution_id}#${ref.attempt}#${stream}`;
    let p = this.pending.get(k);
    if (!p) {
      // A decoder per stream keeps multi-byte characters split across writes intact.
      p = { ref, stream, decoder: new StringDecoder('utf8'), text: '' };
      this.pending.set(k, p);
    }
    p.text += p.decoder.write(chunk);
    if (p.text.length >= MAX_FRAME_CHARS) this.sendPending(p);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      for (const q of this.pending.values()) this.sendPending(q);
    }, this.flushMs);
  }

  /** Sends what is buffered for one run and forgets it. */
  finish(ref: Ref): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const k = `${ref.execution_id}#${ref.attempt}#${stream}`;
      const p = this.pending.get(k);
      if (!p) continue;
      p.text += p.decoder.end();
      this.sendPending(p);
      this.pending.delete(k);
    }
  }

  private sendPending(p: Pending): void {
    while (p.text.length > 0) {
      const data = p.text.slice(0, MAX_FRAME_CHARS);
      p.text = p.text.slice(data.length);
      this.send({
        type: 'log',
        execution_id: p.ref.execution_id,
        attempt: p.ref.attempt,
        stream: p.stream,
        data,
      });
    }
  }
}
