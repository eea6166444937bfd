import type { SseEvent } from '@xem/protocol';

export interface SseParserHandlers {
  /** A complete event: a block that ended with a blank line and had at least one `data:` line. */
  onEvent(event: SseEvent): void;
  /** A valid `retry:` field: the reconnection delay the server asks for, in ms. */
  onRetry?(ms: number): void;
}

/**
 * Incremental `text/event-stream` parser following the WHATWG "interpreting an event stream"
 * rules. Feed it the response body chunk by chunk, cut anywhere: UTF-8 sequences, CRLF pairs
 * and lines may span chunks. One parser per connection (a new response starts a new stream).
 *
 * `lastEventId` follows the spec: it changes only when a block carrying an `id:` field is
 * completed by a blank line (an `id:` with an empty value clears it), never because of a block
 * without one. Each dispatched event carries its own `id:` value, or null when it had none.
 */
export class SseParser {
  // The decoder drops one leading BOM, as the spec asks, and keeps partial sequences between
  // chunks; invalid bytes become U+FFFD.
  private readonly decoder = new TextDecoder('utf-8');
  private line = '';
  /** The previous chunk ended with CR: a LF at the start of the next one belongs to it. */
  private afterCr = false;
  private eventType = '';
  private data: string[] = [];
  /** The `id:` value seen in the current block, if any. */
  private blockId: string | null = null;
  private committedId: string;

  constructor(
    private readonly handlers: SseParserHandlers,
    lastEventId = '',
  ) {
    this.committedId = lastEventId;
  }

  /** The last event ID as the spec defines it: `''` until some block set one. */
  get lastEventId(): string {
    return this.committedId;
  }

  /** Adopts a resume point the server named in-band, unless a block already set one. */
  seedLastEventId(id: string): void {
    if (this.committedId === '' && !id.includes('\0')) this.committedId = id;
  }

  push(chunk: Uint8Array): void {
    this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /**
   * The body ended. Bytes of an unfinished UTF-8 sequence and an event not followed by a blank
   * line are discarded, as the spec says.
   */
  end(): void {
    this.feed(this.decoder.decode());
    this.line = '';
    this.resetBlock();
  }

  private feed(text: string): void {
    let start = 0;
    if (this.afterCr && text.length > 0) {
      if (text.charCodeAt(0) === 0x0a) start = 1;
      this.afterCr = false;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.processLine(this.line + text.slice(start, i));
      this.line = '';
      if (c === 0x0d) {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(i + 1) === 0x0a) i++;
      }
      start = i + 1;
    }
    this.line += text.slice(start);
  }

  private processLine(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // comment: keep-alive padding, ignored
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        return;
      case 'data':
        this.data.push(value);
        return;
      case 'id':
        if (!value.includes('\0')) this.blockId = value;
        return;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.handlers.onRetry?.(Number(value));
        return;
      default:
        return; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    const id = this.blockId;
    if (id !== null) this.committedId = id;
    if (this.data.length === 0) return this.resetBlock();
    const event: SseEvent = { event: this.eventType || 'message', id, data: this.data.join('\n') };
    this.resetBlock();
    this.handlers.onEvent(event);
  }

  private resetBlock(): void {
    this.eventType = '';
    this.data = [];
    this.blockId = null;
  }
}
