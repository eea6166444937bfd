import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { StreamCloseReason, StreamConnected } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { randomToken } from '../ids';
import type { StoredEvent } from './committed-reader';
import {
  frameOf,
  matchesFilter,
  sseFrame,
  sseHeaders,
  type StreamFilter,
  type StreamKind,
} from './stream-frames';
import type { StreamOwner, StreamRegistry } from './stream-registry';

export interface StreamSpec {
  kind: StreamKind;
  owner: StreamOwner;
  filter: StreamFilter | null;
  /** Resume after this event id (Last-Event-ID), or start live. */
  lastEventId: bigint | null;
}

const REPLAY_BATCH = 500;
/** How long a reader may stay above the buffer cap before it is dropped. */
const SLOW_READER_GRACE_MS = 5000;

/**
 * Serves one SSE stream until the client leaves, its lifetime ends, its access ends, it falls
 * too far behind, or the server shuts down. States: replaying (events after Last-Event-ID read
 * from the table while live ones queue) → live → closed. The hub's watermark at subscription
 * splits the two sources, so the client gets every event once, in id order.
 */
export async function serveEventStream(
  deps: AppDeps,
  registry: StreamRegistry,
  req: FastifyRequest,
  reply: FastifyReply,
  spec: StreamSpec,
): Promise<void> {
  const { config, db, hub } = deps;
  const prefix = spec.kind === 'ops' ? 'ox' : spec.kind === 'chat' ? 'chat' : 'x_exec';
  const projectId = spec.owner.projectId;
  // Counted at once (before any await) so concurrent opens cannot pass the cap together.
  const unregister = registry.add({ owner: spec.owner, close: (reason) => finish(reason) });
  let prunedThrough = 0n;
  try {
    if (spec.lastEventId !== null) {
      const row = await db.selectFrom('event_retention').select('pruned_through').executeTakeFirst();
      prunedThrough = BigInt(row?.pruned_through ?? '0');
    }
  } catch (err) {
    unregister();
    throw err;
  }

  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, sseHeaders(req.id));

  let closed = false;
  let unsubscribe = (): void => {};
  let replaying = true;
  let lastSent = spec.lastEventId ?? 0n;
  let polls = 0;
  const queued: StoredEvent[] = [];
  const lifetime = setTimeout(() => finish('max_lifetime'), config.events.maxLifetimeSeconds * 1000);

  /**
   * Writes, or gives up on a reader that stopped keeping up: more unread output than the cap for
   * longer than SLOW_READER_GRACE_MS (a burst may pass the cap briefly), or 8× the cap at once.
   */
  let overSince: number | null = null;
  const write = (text: string): void => {
    if (closed) return;
    if (slowReader()) return;
    res.write(text);
  };
  const slowReader = (): boolean => {
    const buffered = res.writableLength;
    const cap = config.events.maxBufferBytes;
    if (buffered <= cap) {
      overSince = null;
      return false;
    }
    overSince ??= Date.now();
    if (buffered <= cap * 8 && Date.now() - overSince < SLOW_READER_GRACE_MS) return false;
    req.log.warn({ buffered }, 'closing a stream whose reader fell too far behind');
    finish(null);
    return true;
  };
  const send = (e: StoredEvent): void => {
    const id = BigInt(e.id);
    if (id <= lastSent) return;
    lastSent = id;
    if (e.projectId !== projectId || !matchesFilter(spec.filter, e)) return;
    const frame = frameOf(spec.kind, e);
    if (frame) write(frame);
  };

  function finish(reason: StreamCloseReason | null): void {
    if (closed) return;
    if (reason) {
      const reconnect = reason === 'max_lifetime' || reason === 'shutdown';
      res.write(sseFrame(`${prefix}.connection.closing`, { reason, reconnect }));
    }
    closed = true;
    clearTimeout(lifetime);
    unsubscribe();
    unregister();
    if (reason) res.end();
    else res.destroy();
  }
  res.on('close', () => finish(null));

  let subscription: Awaited<ReturnType<typeof hub.subscribe>>;
  try {
    subscription = await hub.subscribe({
      onEvents: (batch) => {
        if (replaying) queued.push(...batch);
        else for (const e of batch) send(e);
        if (batch.some((e) => e.type.startsWith('member.') && e.projectId === projectId))
          void registry.check();
      },
      onPoll: () => {
        if (slowReader()) return;
        polls += 1;
        if (polls % config.events.heartbeatPolls === 0) {
          write(sseFrame(`${prefix}.connection.heartbeat`, { server_time: new Date().toISOString(), polls }));
        }
      },
    });
  } catch (err) {
    req.log.warn({ err }, 'stream could not subscribe to the event hub');
    finish(null);
    return;
  }

  unsubscribe = subscription.unsubscribe;
  const after = subscription.after;
  if (closed) {
    unsubscribe();
    return;
  }

  const connected: StreamConnected = {
    connection_id: `conn_${randomToken(16)}`,
    project_id: projectId,
    server_time: new Date().toISOString(),
    delivery: hub.delivery,
    poll_interval_ms: hub.pollIntervalMs,
    heartbeat_interval_ms: hub.pollIntervalMs * config.events.heartbeatPolls,
    max_duration_s: config.events.maxLifetimeSeconds,
    resumed_after: spec.lastEventId?.toString() ?? null,
    head_event_id: (spec.lastEventId !== null && spec.lastEventId >= prunedThrough
      ? spec.lastEventId
      : after
    ).toString(),
  };
  write(`retry: ${config.events.retryMs}\n\n`);
  write(sseFrame(`${prefix}.connection.connected`, connected));

  try {
    if (spec.lastEventId !== null && spec.lastEventId < prunedThrough) {
      write(
        sseFrame(`${prefix}.connection.resync`, {
          reason: 'too_old',
          last_event_id: spec.lastEventId.toString(),
          pruned_through: prunedThrough.toString(),
        }),
      );
      lastSent = after;
    } else if (spec.lastEventId !== null) {
      await replay(
        deps,
        projectId,
        spec.lastEventId,
        after,
        (e) => send(e),
        () => closed,
      );
    }
  } catch (err) {
    req.log.error({ err }, 'stream replay failed');
    finish(null);
    return;
  }
  replaying = false;
  for (const e of queued.splice(0)) send(e);
}

/** Sends the stored events of a project with from < id ≤ to, in id order, in batches. */
async function replay(
  deps: AppDeps,
  projectId: string,
  from: bigint,
  to: bigint,
  send: (e: StoredEvent) => void,
  stopped: () => boolean,
): Promise<void> {
  let cursor = from;
  while (cursor < to && !stopped()) {
    const rows = await deps.db
      .selectFrom('events')
      .select(['id', 'project_id', 'type', 'payload', 'created_at'])
      .where('project_id', '=', projectId)
      .where('id', '>', sql<string>`${cursor.toString()}::bigint`)
      .where('id', '<=', sql<string>`${to.toString()}::bigint`)
      .orderBy('id')
      .limit(REPLAY_BATCH)
      .execute();
    for (const r of rows) {
      send({
        id: String(r.id),
        projectId: r.project_id,
        type: r.type,
        payload: r.payload as Record<string, unknown>,
        createdAt: r.created_at,
      });
    }
    if (rows.length < REPLAY_BATCH) break;
    cursor = BigInt(rows[rows.length - 1]!.id);
  }
}
