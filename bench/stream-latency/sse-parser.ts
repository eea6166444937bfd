/** One dispatched SSE frame: its `id:` (null when the frame has none), `event:` and joined `data:` lines. */
export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

/**
 * A minimal incremental Server-Sent Events parser: enough of the spec for XEM's streams. Fields
 * `id`, `event` and `data` (several `data:` lines join with `\n`); comments and `retry:` are
 * skipped; a frame without data is not dispatched (as in EventSource). Unlike EventSource, the id
 * is the frame's own and does not carry over to the next frame. Chunks may split anywhere.
 */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];

  constructor(private readonly onFrame: (frame: SseFrame) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && this.buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(this.buffer.slice(start, end));
      start = nl + 1;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) {
        this.onFrame({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
      }
      this.id = null;
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}
