import type { DiscoveredComponent, DiscoveryFrame } from '@xem/protocol';
import { canonicalJson } from '../canonical-json';
import type { Logger } from '../logger';

export interface DiscoveryReporterOptions {
  /** The current components of the host (a scan). */
  scan: () => DiscoveredComponent[];
  /** Sends a frame when the channel is welcomed; answers false when it could not. */
  send: (frame: DiscoveryFrame) => boolean;
  intervalMs: number;
  log: Logger;
}

/** Components per frame: the protocol's limit. */
const MAX_PER_FRAME = 1000;

/**
 * Reports what the host runs, sending only what changed. States: stopped → running (a scan every
 * intervalMs). `sent` holds what the router has been sent on the current connection; a new
 * connection (`resync`) clears it, so the first scan after a reconnect sends everything again
 * (the router dedupes and refreshes last_seen_at). A component that disappears is not reported:
 * the router keeps its candidate with the last time it was seen.
 */
export class DiscoveryReporter {
  private readonly sent = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: DiscoveryReporterOptions) {}

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.report(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The channel was (re)welcomed: send the whole current picture now. */
  resync(): void {
    if (this.opts.intervalMs <= 0) return;
    this.sent.clear();
    this.report();
  }

  /** Scans and sends the components that are new or changed since the last send. */
  report(): number {
    let components: DiscoveredComponent[];
    try {
      components = this.opts.scan();
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'discovery scan failed');
      return 0;
    }
    const changed = components.filter((c) => this.sent.get(keyOf(c)) !== canonicalJson(c));
    for (let i = 0; i < changed.length; i += MAX_PER_FRAME) {
      const batch = changed.slice(i, i + MAX_PER_FRAME);
      if (!this.opts.send({ type: 'discovery', components: batch })) return i;
      for (const c of batch) this.sent.set(keyOf(c), canonicalJson(c));
    }
    if (changed.length > 0) this.opts.log.debug({ components: changed.length }, 'discovery reported');
    return changed.length;
  }
}

const keyOf = (c: DiscoveredComponent) => `${c.kind}\u0000${c.address ?? c.name}`;
