/** Keeps the first `maxBytes` bytes of a stream and remembers whether anything was dropped. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.maxBytes - this.bytes;
    if (chunk.length > room) {
      this.truncated = true;
      if (room <= 0) return;
      chunk = chunk.subarray(0, room);
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** UTF-8 text; a multi-byte character cut at the cap becomes U+FFFD rather than an error. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
