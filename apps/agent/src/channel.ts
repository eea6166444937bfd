import { RouterFrame, type AgentFrame, type DiscoveryFrame, type ResultFrame } from '@xem/protocol';
import WebSocket from 'ws';
import { Backoff } from './backoff';
import { EnrollmentRefused, type Enrollment } from './enroll';
import type { Logger } from './logger';
import type { VersionedManifest } from './manifest-state';
import type { Runner } from './runner';

export interface ChannelOptions {
  routerUrl: string;
  enrollment: Enrollment;
  runner: Runner;
  manifest: () => VersionedManifest;
  leaseRenewalIntervalMs: number;
  log: Logger;
  /** The router asked the agent to drain (operator action): behave as on SIGTERM. */
  onDrainRequested: () => void;
  /** The agent can no longer get in (credential refused, no join key): main exits. */
  onFatal: (err: Error) => void;
  /** Each time the router welcomes the agent (first connect and every reconnect). */
  onWelcomed?: () => void;
  backoff?: Backoff;
}

type State = 'idle' | 'connecting' | 'open' | 'welcomed' | 'waiting' | 'closed';

const key = (r: { execution_id: string; attempt: number }) => `${r.execution_id}#${r.attempt}`;

/**
 * The agent's end of the WebSocket. States: idle → connecting → open (socket up) → welcomed
 * (lease renewals flow, work arrives) → on any close: waiting (jittered backoff) → connecting …;
 * closed is final (shutdown). A 401 on connect refreshes the credential first.
 *
 * Results live in an outbox until the router answers `result_ack` (or refuses them as stale), and
 * are sent again after every reconnect. The lease watchdog kills running tools when no
 * `lease_ack` came for a whole lease TTL: the router has given their executions up by then.
 */
export class AgentChannel {
  private state: State = 'idle';
  private ws: WebSocket | undefined;
  private readonly outbox = new Map<string, ResultFrame>();
  private readonly backoff: Backoff;
  private draining = false;
  private intervalMs: number;
  private leaseTtlMs: number;
  private lastLeaseAckAt = performance.now();
  private ackedManifest: string | undefined;
  private sentManifest: string | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private readonly outboxWaiters = new Set<() => void>();

  constructor(private readonly opts: ChannelOptions) {
    this.backoff = opts.backoff ?? new Backoff();
    this.intervalMs = opts.leaseRenewalIntervalMs;
    this.leaseTtlMs = 3 * opts.leaseRenewalIntervalMs;
  }

  get connected(): boolean {
    return this.state === 'welcomed';
  }

  get pendingResults(): number {
    return this.outbox.size;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.watchdogTimer = setInterval(() => this.checkLease(), Math.min(this.intervalMs, 1000));
    this.connect();
  }

  /** Tells the router at once that no new work should come; renewals go on until close(). */
  setDraining(): void {
    this.draining = true;
    this.sendRenewal();
  }

  /** Best effort: live output and progress are dropped while there is no connection. */
  sendLive(frame: Extract<AgentFrame, { type: 'log' | 'progress' }>): void {
    if (this.state === 'welcomed') this.send(frame);
  }

  /** Sends a discovery frame if the channel is welcomed; false when it is not (nothing sent). */
  sendDiscovery(frame: DiscoveryFrame): boolean {
    if (this.state !== 'welcomed') return false;
    this.send(frame);
    return true;
  }

  sendResult(result: ResultFrame): void {
    this.outbox.set(key(result), result);
    if (this.state === 'welcomed') this.send(result);
  }

  /** Resolves when every result was acknowledged, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.outbox.size === 0) return;
    await new Promise<void>((ok) => {
      const done = () => {
        clearTimeout(timer);
        this.outboxWaiters.delete(done);
        ok();
      };
      const timer = setTimeout(done, timeoutMs);
      this.outboxWaiters.add(done);
    });
  }

  close(): void {
    this.state = 'closed';
    clearInterval(this.renewTimer);
    clearInterval(this.watchdogTimer);
    clearTimeout(this.reconnectTimer);
    this.ws?.close(1000, 'agent shutting down');
  }

  private connect(): void {
    const credential = this.opts.enrollment.current;
    if (!credential) return this.opts.onFatal(new Error('no credential to connect with'));
    this.state = 'connecting';
    const url = `${this.opts.routerUrl.replace(/^http/, 'ws')}/v1/agent/connect`;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${credential.credential}` },
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let refused = false;
    ws.on('unexpected-response', (_req, res) => {
      refused = true;
      this.opts.log.warn({ status: res.statusCode }, 'router refused the channel');
      res.resume();
      ws.terminate();
      if (res.statusCode === 401) void this.refreshThenReconnect();
      else this.scheduleReconnect();
    });
    ws.on('open', () => {
      this.state = 'open';
      this.opts.log.debug({ url }, 'channel open');
    });
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('error', (err) => this.opts.log.warn({ err: err.message }, 'channel error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      clearInterval(this.renewTimer);
      if (this.state === 'closed' || refused) return;
      this.opts.log.warn({ code, reason: reason.toString() }, 'channel closed');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return;
    this.state = 'waiting';
    const delayMs = this.backoff.next();
    this.opts.log.info({ delay_ms: delayMs }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private async refreshThenReconnect(): Promise<void> {
    try {
      await this.opts.enrollment.refresh();
      // Through the backoff: a router that refuses even fresh credentials must not be hammered.
      this.scheduleReconnect();
    } catch (err) {
      if (err instanceof EnrollmentRefused) return this.opts.onFatal(err);
      this.opts.log.warn({ err: (err as Error).message }, 'credential refresh failed');
      this.scheduleReconnect();
    }
  }

  /** Refreshes in the background while connected, so a reconnect never waits on it. */
  private maybeRefresh(): void {
    if (this.refreshing || !this.opts.enrollment.nearsExpiry()) return;
    this.refreshing = true;
    this.opts.enrollment
      .refresh()
      .catch((err: Error) => {
        if (err instanceof EnrollmentRefused) this.opts.onFatal(err);
        else this.opts.log.warn({ err: err.message }, 'credential refresh failed; will retry');
      })
      .finally(() => (this.refreshing = false));
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.opts.log.warn('router sent a frame that is not JSON');
      return;
    }
    const parsed = RouterFrame.safeParse(json);
    if (!parsed.success) {
      this.opts.log.warn(
        { issues: parsed.error.issues.slice(0, 3) },
        'router sent a frame the protocol does not allow',
      );
      return;
    }
    const f = parsed.data;
    switch (f.type) {
      case 'welcome':
        return this.onWelcome(f.lease_renewal_interval_ms, f.lease_ttl_ms, f.agent_id, f.paused);
      case 'lease_ack':
        this.lastLeaseAckAt = performance.now();
        this.leaseTtlMs = f.lease_ttl_ms;
        if (this.sentManifest) this.ackedManifest = this.sentManifest;
        return;
      case 'dispatch':
        return this.opts.runner.start(f);
      case 'cancel':
        if (!this.opts.runner.cancel(f.execution_id, f.attempt))
          this.opts.log.info(
            { execution_id: f.execution_id, attempt: f.attempt },
            'cancel for a run not running here',
          );
        return;
      case 'result_ack':
        return this.forget(key(f));
      case 'error':
        this.opts.log.warn(
          { code: f.code, message: f.message, execution_id: f.execution_id },
          'router refused a frame',
        );
        // A stale attempt will never be accepted: keeping it would re-send it forever.
        if (f.code === 'stale_attempt' && f.execution_id && f.attempt !== undefined)
          this.forget(key({ execution_id: f.execution_id, attempt: f.attempt }));
        return;
      case 'drain':
        this.opts.log.info({ reason: f.reason }, 'router asked the agent to drain');
        return this.opts.onDrainRequested();
      case 'pause':
        return this.opts.log.info(
          { reason: f.reason, workspace_id: f.workspace_id },
          'dispatch paused by the router',
        );
      case 'resume':
        return this.opts.log.info({ workspace_id: f.workspace_id }, 'dispatch resumed by the router');
    }
  }

  private onWelcome(routerIntervalMs: number, leaseTtlMs: number, agentId: string, paused: boolean): void {
    this.state = 'welcomed';
    this.backoff.reset();
    this.leaseTtlMs = leaseTtlMs;
    // The socket is fresh proof the router knows us; the renewal below extends the lease.
    this.lastLeaseAckAt = performance.now();
    this.ackedManifest = undefined;
    this.intervalMs = Math.max(50, Math.min(this.opts.leaseRenewalIntervalMs, routerIntervalMs));
    this.opts.log.info(
      { agent_id: agentId, paused, interval_ms: this.intervalMs, lease_ttl_ms: leaseTtlMs },
      'welcomed',
    );
    this.sendRenewal();
    clearInterval(this.renewTimer);
    this.renewTimer = setInterval(() => {
      this.sendRenewal();
      this.maybeRefresh();
    }, this.intervalMs);
    for (const r of this.outbox.values()) this.send(r);
    this.opts.onWelcomed?.();
  }

  private sendRenewal(): void {
    if (this.state !== 'welcomed') return;
    const m = this.opts.manifest();
    const id = `${m.hash}@${m.version}`;
    const withManifest = this.ackedManifest !== id;
    if (withManifest) this.sentManifest = id;
    this.send({
      type: 'lease_renewal',
      in_flight: this.opts.runner.inFlight,
      manifest_hash: m.hash,
      manifest_version: m.version,
      ...(withManifest ? { manifest: m.manifest } : {}),
      state: this.draining ? 'draining' : 'active',
    });
  }

  private checkLease(): void {
    if (performance.now() - this.lastLeaseAckAt <= this.leaseTtlMs) return;
    if (this.opts.runner.size > 0) {
      this.opts.log.error(
        { lease_ttl_ms: this.leaseTtlMs, running: this.opts.runner.size },
        'lease not renewed for a whole TTL: stopping running tools (the router has given them up)',
      );
      void this.opts.runner.abandonAll();
    }
    // A socket that carries no acks is as good as dead; start over.
    if (this.state === 'welcomed') this.ws?.terminate();
  }

  private forget(k: string): void {
    this.outbox.delete(k);
    if (this.outbox.size === 0) for (const w of [...this.outboxWaiters]) w();
  }

  private send(frame: AgentFrame): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(frame));
  }
}
