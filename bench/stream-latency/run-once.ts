import { startServer } from '../../test-support/start-server';
import type { Delivery } from './bench-options';
import { startClientsProcess } from './clients-process';
import { EventCommitter } from './event-committer';

export interface RunSpec {
  mode: Delivery;
  clients: number;
  pollIntervalMs: number;
  pgUrl: string;
  /** Pause before each commit, ms; the first `warmup` events are not measured. */
  gapsMs: number[];
  warmup: number;
}

export interface RunResult {
  /** receive − commit in ms, one per (measured event, client) that received it. */
  latenciesMs: number[];
  /** Per measured event, the latency of the first and of the last client that parsed it. */
  firstMs: number[];
  lastMs: number[];
  /** (measured event, client) pairs that never arrived before the collection timed out. */
  lost: number;
  duplicates: number;
  /** Streams that ended early, with why. */
  closed: string[];
  openMs: number;
  /**
   * Clock offset of the clients process (its clock minus ours), subtracted from its times. Each
   * process samples `performance.timeOrigin` at its start, and on a loaded machine the two can
   * disagree by milliseconds (+16 ms seen with load 16 on 2 cores); the offset is constant after.
   */
  skewMs: number;
  /** How much the offset measured after the commits differs from the one before (should be ~0). */
  skewDriftMs: number;
  durationMs: number;
}

/**
 * One benchmark run: a fresh server on a fresh PostgreSQL database in `mode`, `clients` streams in
 * the separate clients process, then the spaced commits and the collection of every parse time.
 * Everything it started is stopped (and the database dropped) whether or not it succeeds.
 */
export async function runOnce(spec: RunSpec): Promise<RunResult> {
  const started = performance.now();
  const server = await startServer({
    pgUrl: spec.pgUrl,
    env: {
      XEM_EVENTS_DELIVERY: spec.mode,
      XEM_STREAM_POLL_INTERVAL_MS: String(spec.pollIntervalMs),
      XEM_STREAM_MAX_PER_KEY: String(Math.max(10, spec.clients)),
      XEM_LOCAL_AGENT: 'false',
      XEM_RATE_LIMIT_PER_MINUTE: '0',
    },
  });
  const clients = startClientsProcess();
  let committer: EventCommitter | null = null;
  try {
    const res = await fetch(`${server.baseUrl}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: server.adminEmail,
        password: server.adminPassword,
        name: 'bench-stream-latency',
        scopes: ['execution'],
      }),
    });
    const token = (await res.json()) as { key: string; project_id: string };
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`POST /v1/auth/token answered ${res.status}: ${JSON.stringify(token)}`);
    }

    const url = `${server.baseUrl}/${token.project_id}/v1/exec/executions/stream`;
    const openMs = await clients.open(url, token.key, spec.clients);
    const before = await clients.clockSkew();

    committer = await EventCommitter.connect(server.databaseUrl!, token.project_id);
    const committed = await committer.commitSpaced(spec.gapsMs);
    const measured = committed.slice(spec.warmup);
    const received = await clients.collect(
      measured.map((e) => e.id),
      2 * spec.pollIntervalMs + 15_000,
    );

    const after = await clients.clockSkew();
    const skewMs = (before.skewMs + after.skewMs) / 2;

    const latenciesMs: number[] = [];
    const firstMs: number[] = [];
    const lastMs: number[] = [];
    for (const e of measured) {
      const times = received.times[e.id] ?? new Float64Array();
      for (const at of times) latenciesMs.push(at - skewMs - e.committedAt);
      if (times.length === 0) continue;
      firstMs.push(Math.min(...times) - skewMs - e.committedAt);
      lastMs.push(Math.max(...times) - skewMs - e.committedAt);
    }
    return {
      latenciesMs,
      firstMs,
      lastMs,
      lost: measured.length * spec.clients - latenciesMs.length,
      duplicates: received.duplicates,
      closed: received.closed,
      openMs,
      skewMs,
      skewDriftMs: after.skewMs - before.skewMs,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    const output = server.output().slice(-4000);
    throw new Error(
      `${spec.mode} run with ${spec.clients} clients failed: ${(err as Error).message}` +
        (output ? `\nlast server output:\n${output}` : ''),
      { cause: err },
    );
  } finally {
    await clients.stop();
    await committer?.close().catch(() => {});
    await server.stop();
  }
}
