import type { DiscoveredComponent, DiscoveryFrame } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { DiscoveryReporter } from './discovery-reporter';

const svc = (port: number, process: string | null = null): DiscoveredComponent => ({
  kind: 'tcp_listener',
  name: process ?? `tcp/${port}`,
  address: `127.0.0.1:${port}`,
  attributes: { port, process },
});

function reporter(intervalMs = 60_000) {
  let host: DiscoveredComponent[] = [];
  let connected = true;
  const frames: DiscoveryFrame[] = [];
  const r = new DiscoveryReporter({
    scan: () => host,
    send: (f) => (connected ? (frames.push(f), true) : false),
    intervalMs,
    log: createLogger('silent'),
  });
  return {
    r,
    frames,
    setHost: (h: DiscoveredComponent[]) => (host = h),
    setConnected: (c: boolean) => (connected = c),
  };
}

describe('DiscoveryReporter', () => {
  it('sends only new or changed components, everything again after a reconnect', () => {
    const h = reporter();
    h.setHost([svc(22), svc(5432)]);
    h.r.resync();
    expect(h.frames.map((f) => f.components.length)).toEqual([2]);
    expect(h.r.report()).toBe(0);
    h.setHost([svc(22), svc(5432, 'postgres'), svc(8080)]);
    expect(h.r.report()).toBe(2);
    expect(h.frames[1]!.components.map((c) => c.address)).toEqual(['127.0.0.1:5432', '127.0.0.1:8080']);
    h.r.resync();
    expect(h.frames[2]!.components).toHaveLength(3);
  });

  it('keeps unsent changes for the next scan while the channel is down', () => {
    const h = reporter();
    h.setConnected(false);
    h.setHost([svc(22)]);
    h.r.report();
    expect(h.frames).toEqual([]);
    h.setConnected(true);
    expect(h.r.report()).toBe(1);
  });

  it('does nothing when discovery is off (interval 0)', () => {
    const h = reporter(0);
    h.setHost([svc(22)]);
    h.r.resync();
    h.r.start();
    expect(h.frames).toEqual([]);
  });
});
