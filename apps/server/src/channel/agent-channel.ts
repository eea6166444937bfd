import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { WebSocket } from 'ws';
import { AgentFrame, type RouterFrame } from '@xem/protocol';
import type { AgentIdentity } from '../agents/agent-credentials';
import type { AppDeps } from '../app-deps';
import type { AuditContext } from '../audit/audit-context';
import { recordDiscovery } from '../discovery/record-discovery';
import { handleExecutionFrame } from '../executions/handle-execution-frame';
import type { AgentSocket } from './channel-registry';
import { recordAgentOffline } from './record-agent-offline';
import { leaseTtlMs, renewLease } from './renew-lease';

/** Malformed frames in a row after which the channel is closed (4400). */
export const MAX_BAD_FRAMES = 20;
/** Frames waiting to be handled; an agent sending faster than the database keeps up is cut off. */
const MAX_PENDING_FRAMES = 1000;

export const CLOSE_BAD_FRAMES = 4400;
export const CLOSE_REVOKED = 4401;
const CLOSE_OVERLOADED = 1013;

type Frame = AgentFrame;

/**
 * One agent's channel on this process. States: open (registered, frames handled one at a time
 * in arrival order) → closed (unregistered; frames already received are still handled, then
 * an agent that was draining is taken offline at once). A lapsed lease is the lease
 * sweeper's business, not the channel's: a dropped connection may come back within the TTL.
 */
export function serveAgentChannel(
  deps: AppDeps,
  ws: WebSocket,
  identity: AgentIdentity,
  ctx: AuditContext,
  log: FastifyBaseLogger,
): void {
  const agent = { id: identity.agentId, projectId: identity.projectId };
  const socket: AgentSocket = {
    agentId: identity.agentId,
    projectId: identity.projectId,
    send(frame: RouterFrame) {
      if (ws.readyState !== ws.OPEN) return false;
      ws.send(JSON.stringify(frame));
      if (frame.type === 'dispatch') unconfirmed.set(`${frame.execution_id}:${frame.attempt}`, 0);
      return true;
    },
    close(code, reason) {
      ws.close(code, reason);
    },
  };
  // Dispatches sent on this connection that the agent has not yet listed as running, with how
  // many renewals received since omitted them. A renewal the agent sent just before the
  // dispatch reached it omits it innocently, so only a second omission counts as lost.
  const unconfirmed = new Map<string, number>();
  const stillProtected = (frame: Extract<Frame, { type: 'lease_renewal' }>): Set<string> => {
    const listed = new Set(frame.in_flight.map((f) => `${f.execution_id}:${f.attempt}`));
    const protect = new Set<string>();
    for (const [key, omissions] of unconfirmed) {
      if (listed.has(key)) unconfirmed.delete(key);
      else if (omissions + 1 >= 2) unconfirmed.delete(key);
      else {
        unconfirmed.set(key, omissions + 1);
        protect.add(key);
      }
    }
    return protect;
  };
  let badInARow = 0;
  // The first renewal of a connection comes before the agent re-sends unacknowledged results,
  // so only later renewals may conclude that unlisted work is lost.
  let renewals = 0;
  let pending = 0;
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    pending += 1;
    queue = queue
      .then(work)
      .catch((err: unknown) => log.error({ err, agent_id: agent.id }, 'agent frame handling failed'))
      .finally(() => {
        pending -= 1;
      });
  };

  const refuse = (message: string) => {
    badInARow += 1;
    socket.send({ type: 'error', code: 'invalid_frame', message });
    if (badInARow >= MAX_BAD_FRAMES) {
      socket.close(CLOSE_BAD_FRAMES, `${MAX_BAD_FRAMES} malformed frames in a row`);
    }
  };

  const handle = async (frame: Frame, receivedAt: number): Promise<void> => {
    switch (frame.type) {
      case 'lease_renewal': {
        // A renewal still queued when the socket closed would claim a channel that is gone.
        if (ws.readyState !== ws.OPEN) return;
        const outcome = await renewLease(deps, agent, frame, ctx, {
          checkInFlight: renewals > 0,
          protectedKeys: stillProtected(frame),
          waitedMs: Math.round(performance.now() - receivedAt),
        });
        renewals += 1;
        if (!outcome.renewed) {
          socket.close(CLOSE_REVOKED, 'credentials revoked');
          return;
        }
        socket.send({ type: 'lease_ack', lease_ttl_ms: leaseTtlMs(deps) });
        return;
      }
      case 'progress':
      case 'log':
      case 'result': {
        const reply = await handleExecutionFrame(
          deps,
          { agentId: agent.id, projectId: agent.projectId },
          frame,
        );
        if (reply) socket.send(reply);
        return;
      }
      case 'discovery':
        await deps.db.transaction().execute((trx) => recordDiscovery(trx, agent, frame.components));
        return;
    }
  };

  ws.on('message', (data, isBinary) => {
    if (pending >= MAX_PENDING_FRAMES) {
      socket.close(CLOSE_OVERLOADED, 'too many frames waiting; slow down');
      return;
    }
    const receivedAt = performance.now();
    enqueue(async () => {
      const parsed = parseFrame(isBinary ? null : String(data));
      if (typeof parsed === 'string') return refuse(parsed);
      badInARow = 0;
      await handle(parsed, receivedAt);
    });
  });
  ws.on('close', () => {
    deps.registry.remove(socket);
    enqueue(async () => {
      // A newer connection of the same agent (here or on another replica) owns it now.
      if (deps.registry.get(agent.id)) return;
      await takeDrainedAgentOffline(deps, agent.id, ctx);
    });
  });
  ws.on('error', (err) => log.warn({ err, agent_id: agent.id }, 'agent socket error'));

  socket.send({
    type: 'welcome',
    agent_id: agent.id,
    lease_ttl_ms: leaseTtlMs(deps),
    lease_renewal_interval_ms: deps.config.leaseRenewalIntervalMs,
    paused: identity.paused,
  });
  deps.registry.add(socket);
}

/** A valid frame, or the reason it is not one. */
function parseFrame(text: string | null): Frame | string {
  if (text === null) return 'frames are JSON text, not binary';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'frame is not valid JSON';
  }
  const result = AgentFrame.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return `frame does not match the protocol${path ? ` at ${path}` : ''}: ${issue?.message ?? 'invalid'}`;
  }
  const frame = result.data;
  if (frame.type === 'lease_renewal' && frame.manifest) {
    const names = frame.manifest.tools.map((t) => t.name);
    if (new Set(names).size !== names.length) return 'manifest names a tool twice';
  }
  return frame;
}

/** An agent that closes its channel while draining has finished: it is offline now. */
async function takeDrainedAgentOffline(deps: AppDeps, agentId: string, ctx: AuditContext): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const gone = await sql<{ id: string; project_id: string; previous_status: string }>`
      UPDATE agents SET status = 'offline', status_reason = 'disconnected after draining',
        connected_to = NULL, lease_expires_at = NULL
      WHERE id = ${agentId} AND status = 'draining' AND connected_to = ${deps.instanceId}
      RETURNING id, project_id, 'draining' AS previous_status`.execute(trx);
    for (const a of gone.rows) await recordAgentOffline(trx, a, 'disconnected after draining', ctx);
  });
}
