/** Keeps the first `maxBytes` bytes of a stream and remembers whether anything was dropped. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  /** Keeps what fits and answers it (empty once the cap is reached). */
  push(chunk: Buffer): Buffer {
    const room = this.maxBytes - this.bytes;
    if (chunk.length > room) {
      this.truncated = true;
      chunk = chunk.subarray(0, Math.max(0, room));
    }
    if (chunk.length === 0) return chunk;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return chunk;
  }

  /** UTF-8 text; a multi-byte character cut at the cap becomes U+FFFD rather than an error. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
