import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Listen, Unlisten } from '../db/listen';
import { EVENTS_CHANNEL } from './append-event';
import { CommittedReader, type StoredEvent } from './committed-reader';

/** How soon a read that found a still-open gap looks again. */
const GAP_RECHECK_MS = 25;

export interface HubSubscriber {
  /** New events, in id order, without gaps or repeats. Called synchronously; must not throw. */
  onEvents(events: StoredEvent[]): void;
  /** Once per poll interval (heartbeats count these). */
  onPoll?(polls: number): void;
}

export interface EventHubOptions {
  /** `signal`: read on each notification plus the poll; `poll`: only on the poll. */
  delivery: 'signal' | 'poll';
  pollIntervalMs: number;
  log?: { warn(obj: object, msg: string): void };
}

/**
 * One per server process: reads new rows of `events` once and fans them out in memory to every
 * open stream (and to the webhook fan-out). It wakes on the `xem_events` notification sent in
 * the event's own transaction, and polls every `pollIntervalMs` as a backstop, so a lost
 * notification costs at most one interval. It starts on first use and stops with close().
 */
export class EventHub {
  private readonly subscribers = new Set<HubSubscriber>();
  private reader: CommittedReader | null = null;
  private starting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private unlisten: Unlisten | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private polls = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly listen: Listen,
    private readonly opts: EventHubOptions,
  ) {}

  get delivery(): 'signal' | 'poll' {
    return this.opts.delivery;
  }

  get pollIntervalMs(): number {
    return this.opts.pollIntervalMs;
  }

  /**
   * Highest event id already handed to subscribers. Every event with an id at or below it has
   * been delivered (or never will exist), so a resume reads the table up to it and takes the rest live.
   */
  async watermark(): Promise<bigint> {
    await this.start();
    return this.reader!.cursor;
  }

  /**
   * Adds a subscriber and returns the watermark at that moment: the subscriber gets exactly the
   * events after it. The returned function removes the subscriber.
   */
  async subscribe(s: HubSubscriber): Promise<{ after: bigint; unsubscribe: () => void }> {
    await this.start();
    if (this.closed) throw new Error('event hub closed');
    this.subscribers.add(s);
    return { after: this.reader!.cursor, unsubscribe: () => this.subscribers.delete(s) };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Reads now (tests and the webhook fan-out use it to avoid waiting for a wake-up). */
  async poke(): Promise<void> {
    await this.start();
    await this.read();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.recheck) clearTimeout(this.recheck);
    this.timer = null;
    await this.starting?.catch(() => {});
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    await this.reading?.catch(() => {});
    this.subscribers.clear();
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      if (this.closed) throw new Error('event hub closed');
      const head = await CommittedReader.head(this.db);
      this.reader = new CommittedReader(this.db, head, (from, to) =>
        this.opts.log?.warn(
          { from: from.toString(), to: to.toString() },
          'event ids held by a transaction for too long were skipped',
        ),
      );
      if (this.opts.delivery === 'signal') {
        this.unlisten = await this.listen(EVENTS_CHANNEL, () => void this.read());
      }
      this.timer = setInterval(() => {
        this.polls += 1;
        for (const s of this.subscribers) s.onPoll?.(this.polls);
        void this.read();
      }, this.opts.pollIntervalMs);
      this.timer.unref();
    })();
    return this.starting;
  }

  /** Coalesces wake-ups: at most one read runs, and one more follows if woken meanwhile. */
  private read(): Promise<void> {
    if (this.closed || !this.reader) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await this.reader!.next();
            if (batch.length === 0) break;
            for (const s of this.subscribers) s.onEvents(batch);
            if (batch.length < 1000) break;
          }
        } while (this.again && !this.closed);
      } catch (err) {
        // The next poll tries again; the cursor only moved past what was delivered.
        this.opts.log?.warn({ err }, 'event hub read failed');
      } finally {
        this.reading = null;
        // A gap waits on transactions that are still open (possibly elsewhere on the cluster):
        // look again shortly rather than at the next poll, so delivery lags only as long as they do.
        if (this.reader?.pending && !this.closed && !this.recheck) {
          this.recheck = setTimeout(() => {
            this.recheck = null;
            void this.read();
          }, GAP_RECHECK_MS);
          this.recheck.unref();
        }
      }
    })();
    return this.reading;
  }
}
