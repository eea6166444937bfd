/**
 * An unbounded queue read by one async iterator: `push` never waits, `next` waits for a value
 * or the end. After `end(error)` the values already queued are still read, then the error is
 * thrown.
 */
export class AsyncQueue<T> implements AsyncIterator<T> {
  private readonly values: T[] = [];
  private ended = false;
  private error: unknown = null;
  private wake: (() => void) | null = null;

  constructor(private readonly onReturn: () => void = () => {}) {}

  push(value: T): void {
    if (this.ended) return;
    this.values.push(value);
    this.signal();
  }

  end(error: unknown = null): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    this.signal();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.values.length > 0) return { value: this.values.shift()!, done: false };
      if (this.ended) {
        if (this.error !== null) {
          const error = this.error;
          this.error = null;
          throw error;
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** `break` out of `for await`: the reader is gone, so stop what feeds the queue. */
  async return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.end();
    this.onReturn();
    return { value: undefined, done: true };
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
